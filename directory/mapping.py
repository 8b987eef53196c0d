"""Which directory attribute means what: two built-in profiles (`LDAP_SCHEMA=ad` or
`openldap`), each field overridable with `LDAP_ATTR_<FIELD>`, and the conversion of
one raw entry into a `PersonRecord`.
"""
from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from directory.dn import DNError, normalise_dn, normalise_present_dn
from directory.errors import DirectoryError

FIELDS = ("id", "username", "email", "email_alt", "display_name", "given_name", "family_name", "title",
          "unit_top", "unit", "manager", "employee_number", "disabled", "start_date", "email_proxy")

PROFILES: dict[str, dict[str, str]] = {
    "ad": {
        "id": "objectGUID", "username": "sAMAccountName", "email": "mail", "email_alt": "userPrincipalName",
        "display_name": "displayName", "given_name": "givenName", "family_name": "sn", "title": "title",
        "unit_top": "company", "unit": "department", "manager": "manager", "employee_number": "employeeID",
        "disabled": "userAccountControl", "start_date": "whenCreated", "email_proxy": "proxyAddresses",
    },
    "openldap": {
        "id": "entryUUID", "username": "uid", "email": "mail", "email_alt": "",
        "display_name": "displayName", "given_name": "givenName", "family_name": "sn", "title": "title",
        "unit_top": "ou", "unit": "departmentNumber", "manager": "manager", "employee_number": "employeeNumber",
        "disabled": "", "start_date": "", "email_proxy": "",
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
    #: Fields whose directory value held line breaks or control characters: cleaned (names,
    #: title, unit) or dropped (e-mail, employee number). Reported as `problems.invalid`.
    cleaned: tuple[str, ...] = ()
    #: Other addresses the person's mail may come from, lower case, without the main one:
    #: further `mail` values, the EMAIL_ALT attribute and AD `proxyAddresses` "smtp:" entries.
    alt_emails: tuple[str, ...] = ()


#: Characters that never belong in a one-line directory value: C0/C1 controls (CR, LF, TAB,
#: NUL, ESC, …) and the Unicode line and paragraph separators. They would break a mail
#: header, a CSV export or a log line if stored as they are.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Fields that are cleaned (each run of control characters and spaces becomes one space);
#: the others are dropped when they contain one, as a half-cleaned address or number is wrong.
_CLEANABLE = frozenset({"display_name", "given_name", "family_name", "title", "unit_top", "unit"})


def clean_value(value: str) -> str:
    """A directory value on one line: control characters (and the spaces around them) become one space."""
    return re.sub(r"\s*(?:" + _CONTROL.pattern + r")[\s\x00-\x1f\x7f-\x9f\u2028\u2029]*", " ", value).strip()


class MappingError(DirectoryError, ValueError):
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
    if type(values) is list and values and type(values[0]) is str:  # the usual shape, checked first
        return values[0].strip() or None
    if values is None:
        return None
    if isinstance(values, (list, tuple)):
        values = values[0] if values else None
    if values is None:
        return None
    if isinstance(values, bytes):
        return values.decode("utf-8", errors="replace").strip() or None
    return str(values).strip() or None


def _all(values) -> list[str]:
    """Every value of a multi-valued attribute as stripped text."""
    if values is None:
        return []
    out = []
    for value in values if isinstance(values, (list, tuple)) else [values]:
        text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
        if text.strip():
            out.append(text.strip())
    return out


def alt_addresses(email: str | None, mail: list[str], alt: list[str], proxy: list[str]) -> tuple[str, ...]:
    """The alternative addresses of one entry: lower case, each once, never the main address;
    values with control characters or without an "@" are left out."""
    found = [*mail, *alt, *(p[5:] for p in proxy if p[:5].lower() == "smtp:")]
    main = (email or "").lower()
    return tuple(a for a in dict.fromkeys(a.strip().lower() for a in found)
                 if a and a != main and "@" in a and len(a) <= 320 and not _CONTROL.search(a) and " " not in a)


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


#: The first RDN of a DN, when it can be split off exactly where `directory.dn` would
#: split it: a plain attribute name, then plain characters or backslash escapes (no
#: quotes, no multi-valued "+"), up to the first comma. Anything else takes the slow path.
_FIRST_RDN = re.compile(r'[^=,;+"\\]+=(?:[^,;+"\\]|\\[0-9A-Fa-f].|\\[^0-9A-Fa-f])*(?=,)', re.DOTALL)
_ESCAPED = re.compile(rb"\\([0-9A-Fa-f]{2})|\\(.)", re.DOTALL)
_NEEDS_ESCAPE = re.compile(r'[,+"\\<>;=\x00-\x1f]')


def _unescaped(match: re.Match) -> bytes:
    return bytes.fromhex(match.group(1).decode()) if match.group(1) else match.group(2)


def _escaped(match: re.Match) -> str:
    c = match.group()
    return "\\%02x" % ord(c) if c < " " else "\\" + c


def _first_rdn_norm(text: str) -> str:
    """`normalise_dn(text)` for a single RDN matched by `_FIRST_RDN`, with regular
    expressions instead of the general character-by-character parser (same result)."""
    attr, _, raw = text.partition("=")
    attr = attr.strip()
    if not attr:
        return normalise_present_dn(text)  # raises DNError, as for the whole DN
    encoded = raw.strip(" ").encode()
    if b"\\" in encoded:
        encoded = _ESCAPED.sub(_unescaped, encoded)
    value = encoded.decode("utf-8", errors="replace").casefold()
    out = _NEEDS_ESCAPE.sub(_escaped, value)
    if value[:1] in ("#", " "):
        out = "\\" + out
    if len(value) > 1 and value[-1] == " ":
        out = out[:-1] + "\\ "
    return f"{attr.casefold()}={out}"


class DnCache:
    """`normalise_dn` with a memory, for one sync run (same answers, same errors).

    Normalising 55,000 DNs twice (own DN and manager) is a large share of a sync in pure
    Python, yet most of the work repeats: manager DNs name a few thousand managers, and
    everyone's DN ends in one of a few parent containers ("ou=...,dc=...").
    """

    def __init__(self):
        self._parents: dict[str, str] = {}
        self._managers: dict[str | None, str | None] = {}

    def own(self, dn: str) -> str | None:
        """A DN that is probably unique: normalise its first RDN, reuse its parent's form."""
        first = _FIRST_RDN.match(dn)
        if first is None or dn[first.end() - 1].isspace():
            return normalise_dn(dn)
        rest = dn[first.end() + 1 :]
        parent = self._parents.get(rest)
        if parent is None:
            if not rest.strip():
                return normalise_dn(dn)
            parent = self._parents[rest] = normalise_present_dn(rest)
        return f"{_first_rdn_norm(first.group())},{parent}"

    def manager(self, dn: str | None) -> str | None:
        """A DN that repeats (a manager reference); raises DNError like `normalise_dn`."""
        if dn not in self._managers:
            self._managers[dn] = self.own(dn) if dn is not None else None
        return self._managers[dn]


class RecordReader:
    """Converts many entries with one mapping (`to_record` for a whole sync run)."""

    def __init__(self, mapping: dict[str, str], schema: str):
        self.schema = schema
        #: field -> lower-case attribute name ("" when the field is not mapped)
        self.names = {f: (mapping.get(f) or "").lower() for f in FIELDS}
        self.dns = DnCache()

    def record(self, dn: str, attrs: dict, flagged_disabled: bool = False) -> PersonRecord:
        """Convert one entry (attribute name -> list of values, case-insensitive keys)."""
        get = {k.lower(): v for k, v in attrs.items()}
        names = self.names
        cleaned: list[str] = []

        def val(field: str) -> str | None:
            name = names[field]
            value = _first(get.get(name)) if name else None
            if value is None or not _CONTROL.search(value):
                return value
            cleaned.append(field)
            return (clean_value(value) or None) if field in _CLEANABLE else None

        external_id = _external_id(get.get(names["id"]))
        username = (val("username") or "").lower()
        if _CONTROL.search(dn):
            raise MappingError(f"{dn!r}: the DN contains a line break or control character")
        if not external_id or not username:
            raise MappingError(f"{dn}: missing {'stable id' if not external_id else 'user name'}"
                               + (" (it contains a line break or control character)" if "username" in cleaned else ""))
        given, family = val("given_name") or "", val("family_name") or ""
        manager_raw = val("manager")
        try:
            manager_norm = self.dns.manager(manager_raw)
        except DNError:
            manager_norm = f"invalid:{manager_raw}"
        unit_path = tuple(p.strip() for p in [val("unit_top") or "", *(val("unit") or "").split("/")]
                          if p and p.strip())
        email = val("email") or val("email_alt") or None
        return PersonRecord(
            external_id=external_id,
            dn=dn,
            dn_norm=self.dns.own(dn) or dn.lower(),
            username=username,
            email=email,
            display_name=val("display_name") or f"{given} {family}".strip() or username,
            given_name=given,
            family_name=family,
            title=val("title"),
            unit_path=unit_path,
            manager_dn_norm=manager_norm,
            employee_number=val("employee_number"),
            disabled=_disabled(self.schema, val("disabled"), flagged_disabled),
            start_date=_start_date(val("start_date")),
            cleaned=tuple(dict.fromkeys(cleaned)),
            alt_emails=alt_addresses(email, *(_all(get.get(names[f])) if names[f] else []
                                              for f in ("email", "email_alt", "email_proxy"))),
        )


def to_record(dn: str, attrs: dict, mapping: dict[str, str], schema: str,
              flagged_disabled: bool = False) -> PersonRecord:
    """Convert one entry (attribute name -> list of values, case-insensitive keys)."""
    return RecordReader(mapping, schema).record(dn, attrs, flagged_disabled)
