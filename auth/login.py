"""Checking a password log-in: one spelling per user name, the account it names, the limits
(auth/throttle.py), and the same work whether or not the account exists.

Only `authenticate()` is called from outside; other log-in methods (OIDC) live in their own
modules and share nothing here but `LoginResult`.
"""
from __future__ import annotations

import stringprep
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from auth import throttle
from directory import login as directory_login
from extensions import db
from models import LoginAttempt, Person

PASSWORD_METHOD = "scrypt"  # slow on purpose; werkzeug's default parameters (N=2**15)
MAX_USERNAME = 200


@dataclass
class LoginResult:
    person: Person | None
    #: "ok", "invalid", "rate_limited", "inactive" or "directory_unavailable"
    outcome: str
    #: Seconds this attempt was held back because of failures from other addresses.
    delay: float = 0.0
    #: The checks made ("search", "hash", "bind"): the same list whether or not the account exists.
    checks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Account:
    #: The rate-limit key: "person:<id>", "dn:<DN>", or "name:<user name>" when nothing was found.
    key: str
    person: Person | None = None
    #: The directory entry to bind as (None: a local account, or nobody).
    dn: str | None = None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def normalise_username(raw: object) -> str:
    """The one spelling of a typed user name: Unicode NFKC, case-folded, trimmed
    ("ｕ０００１０７ " and "U000107" are both "u000107")."""
    text = raw if isinstance(raw, str) else ""
    return unicodedata.normalize("NFKC", text).casefold().strip()[:MAX_USERNAME]


def has_control_chars(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def saslprep_refuses(text: str) -> bool:
    """True if SASLprep (RFC 4013, the profile LDAP uses for passwords) refuses `text`."""
    mapped = "".join(" " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c))
    prepared = unicodedata.normalize("NFKC", mapped)
    prohibited = (stringprep.in_table_c12, stringprep.in_table_c21_c22, stringprep.in_table_c3,
                  stringprep.in_table_c4, stringprep.in_table_c5, stringprep.in_table_c6, stringprep.in_table_c7,
                  stringprep.in_table_c8, stringprep.in_table_c9, stringprep.in_table_a1)
    if not prepared or any(check(c) for c in prepared for check in prohibited):
        return True
    if any(stringprep.in_table_d1(c) for c in prepared):  # right-to-left text must be wholly so
        return any(stringprep.in_table_d2(c) for c in prepared) or not (
            stringprep.in_table_d1(prepared[0]) and stringprep.in_table_d1(prepared[-1]))
    return False


def usable_credentials(username: str, password: object) -> bool:
    """False for anything that must not reach a hash check or a bind (and is simply wrong)."""
    return (bool(username) and isinstance(password, str) and bool(password) and len(password) <= 1000
            and not has_control_chars(username) and not has_control_chars(password)
            and not saslprep_refuses(password))


def find_account(username: str) -> Account:
    """The account a (normalised) user name names. With a directory, it is always searched (a
    local account answers as fast as any other). Raises ConnectionError if the directory is
    down, except for local accounts, which keep working without it."""
    person = db.session.scalar(select(Person).where(Person.username == username)) if username else None
    local = person is not None and bool(person.password_hash)
    entry = None
    if directory_login.enabled() and username:
        try:
            entry = directory_login.find_account(username)
        except ConnectionError:
            if not local:
                raise
    if local:
        return Account(f"person:{person.id}", person)  # type: ignore[union-attr]
    if entry is not None:
        person = entry.person or person
        key = f"person:{person.id}" if person is not None else f"dn:{entry.dn.lower()}"
        return Account(key, person, entry.dn)
    if person is not None:
        return Account(f"person:{person.id}", person)
    return Account(f"name:{username}")


def check_password(account: Account, password: str, checks: list[str]) -> bool:
    """One hash check and, with a directory, one bind: real where the account has them, dummy
    where not, so a known and an unknown name cost the same."""
    local = account.person is not None and bool(account.person.password_hash)
    checks.append("hash")
    ok = check_password_hash(account.person.password_hash if local else _dummy_hash(), password)  # type: ignore[union-attr,arg-type]
    if directory_login.enabled():
        checks.append("bind")
        if account.dn and not local:
            ok = directory_login.password_ok(account.dn, password)
        else:
            try:
                directory_login.dummy_bind(password)
            except ConnectionError:
                if not local:
                    raise
    return ok and (local or account.dn is not None)


def _record(username: str, account: Account, ip: str, ok: bool, now: datetime) -> None:
    printable = "".join(c for c in username if not has_control_chars(c))
    db.session.add(LoginAttempt(username=printable, account=account.key[:500], ip=ip[:64], success=ok, at=now))
    db.session.commit()


def authenticate(username: object, password: object, ip: str, now: datetime) -> LoginResult:
    """Check a password log-in; records the attempt. Never logs or stores the password."""
    name = normalise_username(username)
    checks: list[str] = []
    try:
        if directory_login.enabled() and name:
            checks.append("search")
        account = find_account(name if usable_credentials(name, "x") else "")
        if throttle.refused(account.key, ip, now):
            return LoginResult(None, "rate_limited")
        delay = throttle.delay_for(account.key, ip, now)
        if delay:
            time.sleep(delay)  # growing and capped; never a refusal for an address that has not failed
        ok = usable_credentials(name, password) and check_password(account, str(password), checks)
    except ConnectionError:
        return LoginResult(None, "directory_unavailable")
    _record(name, account, ip, ok, now)
    if not ok or account.person is None:
        return LoginResult(None, "invalid", delay, checks)
    if not account.person.active:
        return LoginResult(None, "inactive", delay, checks)
    return LoginResult(account.person, "ok", delay, checks)
