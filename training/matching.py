"""Who an LMS row (or an API call) is about: by employee number, then user name, then
e-mail, case-insensitively. The first identifier that matches anyone decides; several
matches are narrowed to active people; still several is ambiguous."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from extensions import db
from models import Person

MATCHED, UNMATCHED, AMBIGUOUS = "matched", "unmatched", "ambiguous"


def norm_employee_number(value: str) -> str:
    """Case-insensitive; leading zeros ignored because Excel drops them from numbers."""
    value = (value or "").strip().lower()
    return (value.lstrip("0") or "0") if value.isdigit() else value


def norm_text(value: str) -> str:
    return (value or "").strip().lower()


@dataclass(frozen=True)
class Match:
    outcome: str
    person_id: int | None = None


def choose(candidates: list[tuple[int, bool]]) -> Match | None:
    """None if no candidates; else the one match, or ambiguous."""
    unique = dict(candidates)
    if not unique:
        return None
    if len(unique) == 1:
        return Match(MATCHED, next(iter(unique)))
    active = [pid for pid, is_active in unique.items() if is_active]
    return Match(MATCHED, active[0]) if len(active) == 1 else Match(AMBIGUOUS)


class PersonIndex:
    """Everyone, indexed by the three identifiers (one query, for imports)."""

    def __init__(self) -> None:
        self.by = {"employee_number": defaultdict(list), "username": defaultdict(list), "email": defaultdict(list)}
        rows = db.session.execute(select(Person.id, Person.active, Person.employee_number, Person.username,
                                         Person.email))
        for pid, active, number, username, email in rows:
            if number:
                self.by["employee_number"][norm_employee_number(number)].append((pid, active))
            self.by["username"][norm_text(username)].append((pid, active))
            if email:
                self.by["email"][norm_text(email)].append((pid, active))

    def match(self, employee_number: str = "", username: str = "", email: str = "") -> Match:
        keys = (("employee_number", norm_employee_number(employee_number)),
                ("username", norm_text(username)), ("email", norm_text(email)))
        for field, key in keys:
            if key:
                found = choose(self.by[field].get(key, []))
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
            rows = db.session.execute(select(Person.id, Person.active, Person.employee_number).where(
                func.lower(Person.employee_number).endswith(key, autoescape=True))).all()
            candidates = [(pid, active) for pid, active, value in rows if normalise(value) == key]
        else:
            candidates = [tuple(r) for r in db.session.execute(
                select(Person.id, Person.active).where(column == key)).all()]
        found = choose(candidates)
        if found is not None:
            return found
    return Match(UNMATCHED)
