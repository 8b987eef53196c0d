"""The register extract (registerutdrag, GDPR art. 15): everything Vaksam holds about one person.

Driven by privacy/coverage.py: every declared person reference becomes a section, so a
table added there is in the extract without more code. `build()` returns plain data
(JSON-ready); extract_pdf.py draws it as a Swedish PDF.
"""
from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models import AuditEvent, LoginAttempt, Person
from privacy.coverage import EXCLUDED_COLUMNS, EXTRA_SECTIONS, present
from privacy.retention import BY_NAME

#: Rows per section at most (the top manager's reports are counted, not listed).
MAX_ROWS = 5000


def plain(value):
    """A database value as JSON: ISO dates, text for numbers that are not int/float, base64 for bytes."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _row(table_name: str, columns, row) -> dict:
    return {c.name: plain(row._mapping[c]) for c in columns if (table_name, c.name) not in EXCLUDED_COLUMNS}


def _table_section(person_id: int, ref) -> dict:
    table = db.metadata.tables[ref.table]
    column = table.c[ref.column]
    section = {"label": str(ref.label), "table": ref.table, "column": ref.column, "retention": ref.retention,
               "retention_label": str(BY_NAME[ref.retention].label)}
    if ref.show == "count":
        section["count"] = db.session.scalar(select(func.count()).select_from(table).where(column == person_id))
        return section
    order = list(table.primary_key.columns) or list(table.columns)[:1]
    rows = db.session.execute(select(table).where(column == person_id).order_by(*order).limit(MAX_ROWS))
    section["rows"] = [_row(ref.table, table.columns, r) for r in rows]
    return section


def _person(person: Person) -> dict:
    table = Person.__table__
    data = {c.name: plain(getattr(person, c.key)) for c in table.columns if ("person", c.name) not in EXCLUDED_COLUMNS}
    data["unit_name"] = person.unit.name if person.unit else None
    data["manager_name"] = person.manager.name if person.manager else None
    data["roles"] = sorted(person.roles)
    data["local_account"] = person.password_hash is not None
    return data


def _extra(person: Person, key: str) -> list[dict]:
    if key == "login_attempt":
        table = LoginAttempt.__table__
        rows = db.session.execute(select(table).where(table.c.username == person.username.lower())
                                  .order_by(table.c.at).limit(MAX_ROWS))
        return [_row("login_attempt", table.columns, r) for r in rows]
    table = AuditEvent.__table__
    rows = db.session.execute(select(table).where(table.c.target_type == "person",
                                                  table.c.target_id == str(person.id))
                              .order_by(table.c.at).limit(MAX_ROWS))
    return [_row("audit_event", table.columns, r) for r in rows]


def build(person: Person, now: datetime) -> dict:
    """The whole extract for `person`, as of `now`; labels in the current language (plain text, JSON-ready)."""
    sections = {f"{ref.table}.{ref.column}": _table_section(person.id, ref) for ref in present(db.metadata.tables)}
    for key, label, category in EXTRA_SECTIONS:
        sections[key] = {"label": str(label), "retention": category, "retention_label": str(BY_NAME[category].label),
                         "rows": _extra(person, key)}
    return {"generated_at": now.isoformat(), "controller": "Vaksam", "person": _person(person),
            "sections": sections}


def find_person(username: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.username == username.strip().lower()))
