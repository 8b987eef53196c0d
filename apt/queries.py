"""Reads of APT-kvittens: which units an APT material expects, who may confirm, and the coverage.

Functions take a `Material` (apt/materials.py); an Activity or PlanMessage is accepted too."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from apt.materials import Material, as_material
from directory import tree
from extensions import db
from models import Activity, Person, PlanMessage, Unit
from models.apt import AptConfirmation, AptStandIn

Thing = Material | Activity | PlanMessage


@dataclass
class Coverage:
    #: The förvaltning (None: people outside any förvaltning).
    top: Unit | None
    expected: list[Unit] = field(default_factory=list)
    missing: list[Unit] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return len(self.expected) - len(self.missing)

    @property
    def percent(self) -> float:
        return round(100 * self.confirmed / len(self.expected), 1) if self.expected else 0.0


def expected_units(thing: Thing) -> list[Unit]:
    """The units with an active manager in the material's audience: each is to confirm once."""
    material = as_material(thing)
    stmt = select(Unit).join(Person, Person.unit_id == Unit.id).where(
        Person.active.is_(True), Person.subtree_size > 0)
    if not material.whole_region:
        stmt = stmt.where(Unit.id.in_(tree.units_below(list(material.unit_ids))))
    return list(db.session.scalars(stmt.distinct().order_by(Unit.path)))


def confirmations(thing: Thing, until: datetime | None = None) -> dict[int, AptConfirmation]:
    """The material's confirmations by unit id (those made by `until`, if given)."""
    material = as_material(thing)
    stmt = select(AptConfirmation).where(material.column_in() == material.id)
    if until is not None:
        stmt = stmt.where(AptConfirmation.created_at <= until)
    rows = db.session.scalars(stmt)
    return {row.unit_id: row for row in rows}


def units_for(person: Person) -> list[Unit]:
    """The units the person may confirm for: their own unit as a manager, and the units of the
    managers who made them their stand-in."""
    ids = {person.unit_id} if person.is_manager and person.unit_id else set()
    stood_in_for = select(Person.unit_id).join(AptStandIn, AptStandIn.manager_id == Person.id).where(
        AptStandIn.stand_in_id == person.id, Person.active.is_(True))
    ids.update(uid for uid in db.session.scalars(stood_in_for) if uid)
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name))) if ids else []


def stand_in_of(manager_id: int) -> Person | None:
    row = db.session.get(AptStandIn, manager_id)
    return db.session.get(Person, row.stand_in_id) if row is not None else None


def person_by_username(username: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.username == username.strip().lower(),
                                                  Person.active.is_(True)))


def managers_of(unit_ids: Iterable[int]) -> list[Person]:
    """The active managers whose own unit is one of these (the people asked to confirm)."""
    ids = list(unit_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Person).where(
        Person.unit_id.in_(ids), Person.active.is_(True), Person.subtree_size > 0).order_by(Person.id)))


def missing_units(thing: Thing) -> list[Unit]:
    """The expected units that have not confirmed (yet)."""
    done = confirmations(thing)
    return [unit for unit in expected_units(thing) if unit.id not in done]


def overdue(now: datetime, materials: Iterable[Material]) -> list[tuple[Material, list[Unit]]]:
    """Materials past their deadline with the units that have still not confirmed them."""
    out = []
    for material in materials:
        if material.deadline <= now:
            missing = missing_units(material)
            if missing:
                out.append((material, missing))
    return out


def coverage(thing: Thing, until: datetime | None = None) -> list[Coverage]:
    """Per förvaltning: the units expected to confirm and those still missing (as of `until`)."""
    done = confirmations(thing, until)
    expected = expected_units(thing)
    tops = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.level == 0))}
    groups: dict[int | None, Coverage] = {}
    for unit in expected:
        top_id = int(unit.path.strip("/").split("/")[0]) if unit.path.strip("/") else None
        group = groups.setdefault(top_id, Coverage(tops.get(top_id) if top_id else None))
        group.expected.append(unit)
        if unit.id not in done:
            group.missing.append(unit)
    return sorted(groups.values(), key=lambda c: c.top.name if c.top else "")


def coverage_share(things: Iterable[Thing]) -> tuple[int, int]:
    """(units confirmed, units expected) over several materials."""
    confirmed = expected = 0
    for thing in things:
        for group in coverage(thing):
            confirmed += group.confirmed
            expected += len(group.expected)
    return confirmed, expected
