"""Who an LMS row (or an API call) is about: by employee number, then user name, then
e-mail, case-insensitively. The first identifier that matches anyone decides; several
matches are narrowed to active people; still several is ambiguous."""
from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import func, select

from extensions import db
from models import Person
from models.base import bulk_read

MATCHED, UNMATCHED, AMBIGUOUS = "matched", "unmatched", "ambiguous"


def norm_employee_number(value: str) -> str:
    """Case-insensitive; leading zeros ignored because Excel drops them from numbers."""
    value = (value or "").strip().lower()
    return (value.lstrip("0") or "0") if value.isdigit() else value


def norm_text(value: str) -> str:
    return (value or "").strip().lower()


class Match(NamedTuple):
    outcome: str
    person_id: int | None = None


def choose(candidates: list[int]) -> Match | None:
    """None if no candidates; else the one match, or ambiguous. Several matches are
    narrowed to active people (someone rehired keeps their old, inactive account)."""
    if len(candidates) == 1:
        return Match(MATCHED, candidates[0])
    unique = set(candidates)
    if not unique:
        return None
    if len(unique) == 1:
        return Match(MATCHED, unique.pop())
    active = list(db.session.scalars(select(Person.id).where(Person.id.in_(unique), Person.active.is_(True))))
    return Match(MATCHED, active[0]) if len(active) == 1 else Match(AMBIGUOUS)


class PersonIndex:
    """Everyone, indexed by the three identifiers, for imports. Each index is built on
    first use: a file whose rows all match by employee number never loads the others."""

    _NORMALISE = {"employee_number": norm_employee_number, "username": norm_text, "email": norm_text}

    def __init__(self) -> None:
        self.by: dict[str, dict[str, list[int]]] = {}

    def _index(self, field: str) -> dict[str, list[int]]:
        if field not in self.by:
            column, normalise = getattr(Person, field), self._NORMALISE[field]
            index: dict[str, list[int]] = defaultdict(list)
            # Only the indexed column and the id: the person table's own index answers it.
            for pid, value in bulk_read(db.session, select(Person.id, column).where(column.is_not(None))):
                index[normalise(value)].append(pid)
            self.by[field] = index
        return self.by[field]

    def match(self, employee_number: str = "", username: str = "", email: str = "") -> Match:
        for field, value in (("employee_number", employee_number), ("username", username), ("email", email)):
            key = self._NORMALISE[field](value) if value else ""
            if key:
                found = choose(self._index(field).get(key, []))
                if found is not None:
                    return found
        return Match(UNMATCHED)


def match_one(employee_number: str = "", username: str = "", email: str = "") -> Match:
    """The same rule for a single lookup (the API), with indexed queries."""
    lookups = (
        (norm_employee_number(employee_number), Person.employee_number, norm_employee_number),
        (norm_text(username), Person.username, norm_text),
        (norm_text(email), func.lower(Person.email), norm_text),
    )
    for key, column, normalise in lookups:
        if not key:
            continue
        if column is Person.employee_number:
            # Leading zeros are ignored, so compare normalised values of the few plausible rows.
            rows = db.session.execute(select(Person.id, Person.employee_number).where(
                func.lower(Person.employee_number).endswith(key, autoescape=True))).all()
            candidates = [pid for pid, value in rows if normalise(value) == key]
        else:
            candidates = list(db.session.scalars(select(Person.id).where(column == key)))
        found = choose(candidates)
        if found is not None:
            return found
    return Match(UNMATCHED)
