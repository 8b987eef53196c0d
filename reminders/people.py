"""The people a reminder round deals with, read as plain rows, and their nearest active managers."""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select

from extensions import db
from models import Person, Unit
from models.directory import person_name


class Recipient(NamedTuple):
    """What a round needs of a person, read as a plain row (a round may concern 55,000)."""

    id: int
    name: str
    given_name: str
    email: str | None
    locale: str | None
    manager_id: int | None
    active: bool
    unit: str


class People:
    """Recipients by id, read in batches, and the nearest active manager above anyone."""

    def __init__(self) -> None:
        self.found: dict[int, Recipient] = {}

    def load(self, ids: Iterable[int | None]) -> None:
        wanted = list({i for i in ids if i is not None and i not in self.found})
        for i in range(0, len(wanted), 1000):
            for pid, display, given, family, username, email, locale, manager_id, active, unit in db.session.execute(
                    select(Person.id, Person.display_name, Person.given_name, Person.family_name, Person.username,
                           Person.email, Person.locale, Person.manager_id, Person.active, Unit.name)
                    .outerjoin(Unit, Unit.id == Person.unit_id).where(Person.id.in_(wanted[i:i + 1000]))):
                name = person_name(display, given, family, username)
                self.found[pid] = Recipient(pid, name, given, email, locale, manager_id, active, unit or "")

    def __getitem__(self, person_id: int) -> Recipient:
        return self.found[person_id]

    def manager_of(self, person_id: int | None) -> Recipient | None:
        """The nearest active manager above the person (a deactivated manager is skipped)."""
        seen = set()
        current = self.found.get(person_id) if person_id is not None else None
        while current is not None and current.manager_id is not None and current.manager_id not in seen:
            seen.add(current.manager_id)
            self.load([current.manager_id])
            current = self.found.get(current.manager_id)
            if current is not None and current.active:
                return current
        return None
