"""Writes of APT-kvittens: a manager (or their stand-in) confirms for their own unit; a manager
sets a stand-in. The caller commits."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from apt import queries
from apt.materials import Material, as_material, owner_columns
from extensions import db
from main.i18n import local_tz
from models import Activity, Person, PlanMessage
from models.apt import AptConfirmation, AptStandIn


class AptError(ValueError):
    """A confirmation or stand-in that cannot be saved; `code` names the reason (apt/views.py has the texts)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def confirm(thing: Material | Activity | PlanMessage | None, unit_id: int, by: Person, presented_on: date,
            present_count: int | None, now: datetime) -> AptConfirmation:
    """Record "presented at the APT on …" for `unit_id`, once; only for a unit `by` may confirm for."""
    try:
        material = as_material(thing) if thing is not None else None
    except ValueError:
        material = None
    if material is None:
        raise AptError("not_apt")
    if unit_id not in {u.id for u in queries.units_for(by)}:
        raise AptError("not_your_unit")
    if unit_id not in {u.id for u in queries.expected_units(material)}:
        raise AptError("not_in_audience")
    if present_count is not None and not 0 <= present_count <= 10000:
        raise AptError("count")
    if presented_on > now.astimezone(local_tz()).date():
        raise AptError("future")
    existing = db.session.scalar(select(AptConfirmation).where(
        material.column_in() == material.id, AptConfirmation.unit_id == unit_id))
    if existing is not None:
        raise AptError("already")
    row = AptConfirmation(**owner_columns(material), unit_id=unit_id, confirmed_by_id=by.id, presented_on=presented_on,
                          present_count=present_count, created_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def set_stand_in(manager: Person, stand_in: Person | None, now: datetime) -> None:
    """Make `stand_in` the manager's stand-in (None removes it)."""
    if not manager.is_manager:
        raise AptError("not_manager")
    row = db.session.get(AptStandIn, manager.id)
    if stand_in is None:
        if row is not None:
            db.session.delete(row)
        return
    if stand_in.id == manager.id or not stand_in.active:
        raise AptError("stand_in")
    if row is None:
        db.session.add(AptStandIn(manager_id=manager.id, stand_in_id=stand_in.id, set_at=now))
    else:
        row.stand_in_id, row.set_at = stand_in.id, now
    db.session.flush()
