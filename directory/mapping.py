"""Which directory attribute means what: two built-in profiles (`LDAP_SCHEMA=ad` or
`openldap`), each field overridable with `LDAP_ATTR_<FIELD>`, and the conversion of
one raw entry into a `PersonRecord`.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from directory.dn import DNError, normalise_dn

FIELDS = ("id", "username", "email", "email_alt", "display_name", "given_name", "family_name", "title",
          "unit_top", "unit", "manager", "employee_number", "disabled", "start_date")

PROFILES: dict[str, dict[str, str]] = {
    "ad": {
        "id": "objectGUID", "username": "sAMAccountName", "email": "mail", "email_alt": "userPrincipalName",
        "display_name": "displayName", "given_name": "givenName", "family_name": "sn", "title": "title",
        "unit_top": "company", "unit": "department", "manager": "manager", "employee_number": "employeeID",
        "disabled": "userAccountControl", "start_date": "whenCreated",
    },
    "openldap": {
        "id": "entryUUID", "username": "uid", "email": "mail", "email_alt": "",
        "display_name": "displayName", "given_name": "givenName", "family_name": "sn", "title": "title",
        "unit_top": "ou", "unit": "departmentNumber", "manager": "manager", "employee_number": "employeeNumber",
        "disabled": "", "start_date": "",
    },
}
DEFAULT_USER_FILTER = {
    "ad": "(&(objectCategory=person)(objectClass=user))",
    "openldap": "(objectClass=inetOrgPerson)",
}
#: OpenLDAP has no standard "disabled" flag; a filter marks disabled people.
DEFAULT_DISABLED_FILTER = {"ad": "", "openldap": "(pwdAccountLockedTime=*)"}


@dataclass(slots=True)
class PersonRecord:
    """One person as the directory describes them, already converted."""

    external_id: str
    dn: str
    dn_norm: str
    username: str
    email: str | None
    display_name: str
    given_name: str
    family_name: str
    title: str | None
    #: Unit names from the top (förvaltning) down, e.g. ("HSF", "Primärvården", "VC Norr").
    unit_path: tuple[str, ...]
    manager_dn_norm: str | None
    employee_number: str | None
    disabled: bool
    start_date: date | None


class MappingError(ValueError):
    """An entry lacks what every person must have (a stable id or a user name)."""


def attribute_map(schema: str, environ=os.environ) -> dict[str, str]:
    if schema not in PROFILES:
        raise ValueError(f"LDAP_SCHEMA must be one of {sorted(PROFILES)}, got {schema!r}")
    mapping = dict(PROFILES[schema])
    for name in FIELDS:
        override = environ.get(f"LDAP_ATTR_{name.upper()}")
        if override is not None:
            mapping[name] = override.strip()
    return mapping


def wanted_attributes(mapping: dict[str, str]) -> list[str]:
    return sorted({a for a in mapping.values() if a})


def _first(values) -> str | None:
    if values is None:
        return None
    if isinstance(values, (list, tuple)):
        values = values[0] if values else None
    if values is None:
        return None
    if isinstance(values, bytes):
        return values.decode("utf-8", errors="replace").strip() or None
    return str(values).strip() or None


def _external_id(raw) -> str | None:
    """objectGUID arrives as 16 bytes (little-endian GUID); entryUUID as text."""
    value = raw[0] if isinstance(raw, (list, tuple)) and raw else raw
    if isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes_le=value))
    text = _first(value)
    if not text:
        return None
    try:
        return str(uuid.UUID(text.strip("{}")))
    except ValueError:
        return text.lower()


def _start_date(value: str | None) -> date | None:
    if not value:
        return None
    for fmt, width in (("%Y%m%d%H%M%S", 14), ("%Y-%m-%d", 10), ("%Y%m%d", 8)):
        try:
            return datetime.strptime(value[:width], fmt).date()
        except ValueError:
            continue
    return None


def _disabled(schema: str, value: str | None, flagged: bool) -> bool:
    if flagged:
        return True
    if schema == "ad" and value and value.lstrip("-").isdigit():
        return bool(int(value) & 2)  # ACCOUNTDISABLE
    return False


def to_record(dn: str, attrs: dict, mapping: dict[str, str], schema: str, flagged_disabled: bool = False) -> PersonRecord:
    """Convert one entry (attribute name -> list of values, case-insensitive keys)."""
    get = {k.lower(): v for k, v in attrs.items()}

    def val(field: str) -> str | None:
        name = mapping.get(field)
        return _first(get.get(name.lower())) if name else None

    external_id = _external_id(get.get(mapping["id"].lower()))
    username = (val("username") or "").lower()
    if not external_id or not username:
        raise MappingError(f"{dn}: missing {'stable id' if not external_id else 'user name'}")
    given, family = val("given_name") or "", val("family_name") or ""
    manager_raw = val("manager")
    try:
        manager_norm = normalise_dn(manager_raw)
    except DNError:
        manager_norm = f"invalid:{manager_raw}"
    unit_path = tuple(p.strip() for p in [val("unit_top") or "", *(val("unit") or "").split("/")] if p and p.strip())
    return PersonRecord(
        external_id=external_id,
        dn=dn,
        dn_norm=normalise_dn(dn) or dn.lower(),
        username=username,
        email=(val("email") or val("email_alt") or None),
        display_name=val("display_name") or f"{given} {family}".strip() or username,
        given_name=given,
        family_name=family,
        title=val("title"),
        unit_path=unit_path,
        manager_dn_norm=manager_norm,
        employee_number=val("employee_number"),
        disabled=_disabled(schema, val("disabled"), flagged_disabled),
        start_date=_start_date(val("start_date")),
    )
