"""Log-in by bind: find the person with the service account, then bind as them."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from directory import client
from directory.mapping import DEFAULT_USER_FILTER, attribute_map, to_record
from extensions import db
from models import Person


@dataclass(frozen=True)
class DirectoryAccount:
    #: The entry's DN, as the directory returned it.
    dn: str
    #: The stored person with this entry's id, if synced.
    person: Person | None


def enabled() -> bool:
    return bool(current_app.config.get("LDAP_URL"))


def _settings() -> client.ServerSettings:
    return client.ServerSettings.from_config(current_app.config)


def find_account(username: str) -> DirectoryAccount | None:
    """The one entry with this user name (escaped into the filter: no LDAP injection), or None
    when none or several match. Raises ConnectionError when the directory is unreachable."""
    if not username:
        return None
    config = current_app.config
    schema = config["LDAP_SCHEMA"]
    mapping = attribute_map(schema)
    try:
        entries = client.find_user(_settings(), config["LDAP_BASE_DN"], config["LDAP_USER_FILTER"] or
                                   DEFAULT_USER_FILTER[schema], mapping["username"], username,
                                   [mapping["id"], mapping["username"]])
    except client.DirectoryError as exc:
        raise ConnectionError(str(exc)) from exc
    if len(entries) != 1:
        return None
    dn, attrs = entries[0]
    record = to_record(dn, attrs, mapping, schema)
    person = db.session.scalar(select(Person).where(Person.external_id == record.external_id))
    return DirectoryAccount(dn, person)


def password_ok(dn: str, password: str) -> bool:
    """True if the directory accepts the password for `dn`. An empty password is refused before
    any bind (an empty simple bind is an anonymous bind that would "succeed")."""
    if not password or not password.strip():
        return False
    try:
        return client.check_password(_settings(), dn, password)
    except client.DirectoryError as exc:
        raise ConnectionError(str(exc)) from exc


def dummy_bind(password: str) -> None:
    """The same work as a wrong password, for a name the directory does not know: a bind as a
    DN that does not exist (the server answers invalidCredentials), so both take as long."""
    base = current_app.config["LDAP_BASE_DN"] or "dc=invalid"
    password_ok(f"cn=vaksam-no-such-account-{secrets.token_hex(6)},{base}", password or "x")


def bind_as(username: str, password: str) -> tuple[Person | None, bool]:
    """(person, password accepted): find the entry, then bind as it."""
    if not password or not username:
        return None, False
    account = find_account(username)
    if account is None:
        return None, False
    return account.person, password_ok(account.dn, password)
