"""Local accounts and role grants (checking a log-in is auth/login.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from auth.errors import AuthError
from auth.login import PASSWORD_METHOD, normalise_username
from extensions import db
from models import LoginAttempt, Person, RoleGrant
from models.auth import GRANTABLE_ROLES
from models.base import affected
from signals import roles_changed, sender

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def prune_login_attempts(now: datetime, keep_days: int = 30) -> int:
    """Delete login attempts older than `keep_days`; returns how many."""
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=keep_days)))
    db.session.commit()
    return affected(result)


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
    username = normalise_username(username)
    if not username or len(username) > 200 or any(c.isspace() for c in username):
        raise AuthError("bad_username", f"Invalid user name: {username!r}.")
    if password_hash is None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AuthError("short_password", f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
                            min=MIN_PASSWORD_LENGTH)
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
        raise AuthError("unknown_role", f"Unknown role: {role}", role=role)
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
    return bool(affected(result))


def change_role(person: Person, action: str, role: str, actor: Person | None) -> bool:
    """Grant or revoke a role granted in the app, commit, and announce it (`roles_changed`:
    a role taken away ends the person's sessions). Returns False if nothing changed."""
    if action == "grant":
        changed = grant_role(person, role, granted_by=actor)
    else:
        changed = revoke_role(person, role)
    db.session.commit()
    if changed:
        roles_changed.send(sender(), person_id=person.id, removed={role} if action == "revoke" else set())
    return changed
