"""Log-in by bind: find the person with the service account, then bind as them."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from directory import client
from directory.mapping import DEFAULT_USER_FILTER, attribute_map, to_record
from extensions import db
from models import Person


def enabled() -> bool:
    return bool(current_app.config.get("LDAP_URL"))


def bind_as(username: str, password: str) -> tuple[Person | None, bool]:
    """(person, password accepted). Raises ConnectionError when the directory is unreachable.

    The user name goes into the filter escaped (no LDAP injection); exactly one entry
    must match; an empty password is refused before any bind (an empty simple bind
    is an anonymous bind that would "succeed").
    """
    if not password or not username:
        return None, False
    config = current_app.config
    schema = config["LDAP_SCHEMA"]
    mapping = attribute_map(schema)
    settings = client.ServerSettings.from_config(config)
    try:
        entries = client.find_user(settings, config["LDAP_BASE_DN"], config["LDAP_USER_FILTER"] or
                                   DEFAULT_USER_FILTER[schema], mapping["username"], username,
                                   [mapping["id"], mapping["username"]])
        if len(entries) != 1:
            return None, False
        dn, attrs = entries[0]
        ok = client.check_password(settings, dn, password)
    except client.DirectoryError as exc:
        raise ConnectionError(str(exc)) from exc
    record = to_record(dn, attrs, mapping, schema)
    person = db.session.scalar(select(Person).where(Person.external_id == record.external_id))
    return person, ok
