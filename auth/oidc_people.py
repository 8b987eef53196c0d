"""Who an ID token is, in Vaksam: the one active person it matches, and roles from its claims.

People are never created from a token: the directory stays the truth about who works
here. The token names a person through one claim (`OIDC_MATCH_CLAIM`) compared with one
person field (`OIDC_MATCH_FIELD`); exactly one active person must match.
"""
from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from auth.operations import grant_role, revoke_role
from extensions import db
from models import Person
from models.auth import GRANTABLE_ROLES

#: Person fields a claim may be compared with.
MATCH_FIELDS = {
    "external_id": Person.external_id,
    "username": Person.username,
    "email": Person.email,
    "employee_number": Person.employee_number,
}
#: (claim, field) when OIDC_MATCH_CLAIM / OIDC_MATCH_FIELD are empty, per LDAP_SCHEMA.
DEFAULT_MATCH = {"ad": ("oid", "external_id"), "openldap": ("preferred_username", "username")}
#: Role grants made from claims carry this source; directory and app grants are left alone.
ROLE_SOURCE = "oidc"


@dataclass
class Match:
    person: Person | None
    #: "ok", "no_claim", "none", "several" or "inactive"
    outcome: str
    claim: str
    value: str


def match_setting(config=None) -> tuple[str, str]:
    """The (claim, field) pair in force; raises RuntimeError for an unknown field."""
    config = config or current_app.config
    claim, field = DEFAULT_MATCH.get(config["LDAP_SCHEMA"], DEFAULT_MATCH["openldap"])
    field = (config["OIDC_MATCH_FIELD"] or field).strip()
    if field not in MATCH_FIELDS:
        raise RuntimeError(f"OIDC_MATCH_FIELD must be one of {sorted(MATCH_FIELDS)}, got {field!r}")
    return (config["OIDC_MATCH_CLAIM"] or claim).strip(), field


def normalise(field: str, value: str) -> str:
    """The claim value in the form the person field is stored in.

    external_id holds GUIDs as lower-case text: a GUID claim may come with braces or in
    capitals, or base64-encoded as Entra ID's onPremisesImmutableId (the AD objectGUID's
    16 bytes, little-endian first fields, as the directory sync reads them).
    """
    value = value.strip()
    if field == "external_id":
        try:
            return str(uuid.UUID(value.strip("{}")))
        except ValueError:
            pass
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        return str(uuid.UUID(bytes_le=raw)) if len(raw) == 16 else value.lower()
    return value.lower()


def match_person(claims: dict) -> Match:
    """The one active person the claims name (see the module docstring)."""
    claim, field = match_setting()
    raw = claims.get(claim)
    if not isinstance(raw, (str, int)) or not str(raw).strip():
        return Match(None, "no_claim", claim, "")
    value = normalise(field, str(raw))[:320]
    column = MATCH_FIELDS[field]
    compared = func.lower(column) if field == "email" else column
    people = db.session.scalars(select(Person).where(compared == value).order_by(Person.id).limit(10)).all()
    active = [p for p in people if p.active]
    if len(active) == 1:
        return Match(active[0], "ok", claim, value)
    if len(active) > 1:
        return Match(None, "several", claim, value)
    return Match(None, "inactive" if people else "none", claim, value)


def _values(setting: str) -> set[str]:
    return {v.strip().lower() for v in current_app.config[setting].split(",") if v.strip()}


def claim_values(claims: dict) -> tuple[set[str], bool]:
    """The values of the role claims (lower-case), and whether the groups claim overflowed.

    Entra ID leaves `groups` out when a user is in too many groups ("overage") and sends
    `_claim_names.groups` (or `hasgroups`) instead; then only the directory's groups count.
    """
    names = [n.strip() for n in current_app.config["OIDC_ROLE_CLAIMS"].split(",") if n.strip()]
    overage = "groups" in (claims.get("_claim_names") or {}) or bool(claims.get("hasgroups"))
    found: set[str] = set()
    for name in names:
        raw = claims.get(name)
        for value in raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []:
            if isinstance(value, str):
                found.add(value.strip().lower())
    return found, overage


def apply_claim_roles(person: Person, claims: dict) -> dict:
    """Set the person's claim-sourced grants to what this token says. Returns what changed.

    Only roles with configured values (OIDC_ADMIN_VALUES, OIDC_COMMS_VALUES) are managed;
    grants from the directory's groups and from admins in the app are never touched.
    """
    values, overage = claim_values(claims)
    settings = {"admin": _values("OIDC_ADMIN_VALUES"), "comms": _values("OIDC_COMMS_VALUES")}
    granted, removed = [], []
    for role in GRANTABLE_ROLES:
        wanted = settings.get(role)
        if not wanted:
            continue
        if values & wanted:
            if grant_role(person, role, granted_by=None, source=ROLE_SOURCE):
                granted.append(role)
        elif revoke_role(person, role, source=ROLE_SOURCE):
            removed.append(role)
    return {"granted": granted, "removed": removed, "groups_overage": overage}
