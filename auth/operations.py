"""Log-in checks, rate limiting, local accounts and role grants."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models import LoginAttempt, Person, RoleGrant
from models.auth import GRANTABLE_ROLES

PASSWORD_METHOD = "scrypt"  # slow on purpose; werkzeug's default parameters (N=2**15)
MIN_PASSWORD_LENGTH = 10


class AuthError(Exception):
    """A problem the caller should show to the user (message is Swedish-first text key)."""


@dataclass
class LoginResult:
    person: Person | None
    #: "ok", "invalid", "rate_limited", "inactive" or "directory_unavailable"
    outcome: str


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def is_rate_limited(username: str, ip: str, now: datetime) -> bool:
    """True if recent failures for this account or this address exceed the limits."""
    cfg = current_app.config
    since = now - timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"])
    failures = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.success.is_(False), LoginAttempt.at >= since
    )
    by_account = db.session.scalar(failures.where(LoginAttempt.username == username))
    if by_account >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    by_ip = db.session.scalar(failures.where(LoginAttempt.ip == ip))
    return by_ip >= cfg["LOGIN_MAX_FAILURES_PER_IP"]


def _check_password(username: str, password: str) -> tuple[Person | None, bool]:
    """A local account's own password first, else a bind to the directory."""
    person = db.session.scalar(select(Person).where(Person.username == username))
    if person is not None and person.password_hash:
        return person, check_password_hash(person.password_hash, password)
    from directory import login as directory_login

    if directory_login.enabled():
        return directory_login.bind_as(username, password)
    check_password_hash(_dummy_hash(), password)  # same work whether or not the user exists
    return person, False


def authenticate(username: str, password: str, ip: str, now: datetime) -> LoginResult:
    """Check a log-in; records the attempt. Never logs or stores the password."""
    username = (username or "").strip().lower()[:200]
    if is_rate_limited(username, ip, now):
        return LoginResult(None, "rate_limited")
    if not username or not password:
        ok, person = False, None
    else:
        try:
            person, ok = _check_password(username, password)
        except ConnectionError:
            return LoginResult(None, "directory_unavailable")
    db.session.add(LoginAttempt(username=username, ip=ip, success=ok, at=now))
    db.session.commit()
    if not ok or person is None:
        return LoginResult(None, "invalid")
    if not person.active:
        return LoginResult(None, "inactive")
    return LoginResult(person, "ok")


def prune_login_attempts(now: datetime, keep_days: int = 30) -> int:
    """Delete login attempts older than `keep_days`; returns how many."""
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=keep_days)))
    db.session.commit()
    return result.rowcount or 0


def create_local_user(
    username: str,
    password: str,
    *,
    display_name: str = "",
    email: str | None = None,
    roles: tuple[str, ...] = (),
    password_hash: str | None = None,
) -> Person:
    """Create (or update) a local account. Idempotent on the user name."""
    username = username.strip().lower()
    if not username or len(username) > 200 or any(c.isspace() for c in username):
        raise AuthError("Ogiltigt användarnamn.")
    if password_hash is None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AuthError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
        password_hash = hash_password(password)
    person = db.session.scalar(select(Person).where(Person.username == username))
    if person is None:
        person = Person(username=username)
        db.session.add(person)
    person.password_hash = password_hash
    person.display_name = display_name or person.display_name or username
    if email is not None:
        person.email = email
    person.active = True
    db.session.flush()
    for role in roles:
        grant_role(person, role, granted_by=None)
    return person


def grant_role(person: Person, role: str, granted_by: Person | None, source: str = "app") -> bool:
    """Grant admin or comms; returns False if the person already had it."""
    if role not in GRANTABLE_ROLES:
        raise AuthError(f"Okänd roll: {role}")
    existing = db.session.scalar(
        select(RoleGrant).where(RoleGrant.person_id == person.id, RoleGrant.role == role, RoleGrant.source == source)
    )
    if existing:
        return False
    db.session.add(
        RoleGrant(person_id=person.id, role=role, source=source, granted_by_id=granted_by.id if granted_by else None)
    )
    db.session.flush()
    db.session.expire(person, ["grants"])
    return True


def revoke_role(person: Person, role: str, source: str = "app") -> bool:
    """Revoke a role granted in the app; returns False if there was none."""
    result = db.session.execute(
        delete(RoleGrant).where(RoleGrant.person_id == person.id, RoleGrant.role == role, RoleGrant.source == source)
    )
    db.session.expire(person, ["grants"])
    return bool(result.rowcount)
