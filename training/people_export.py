"""The people exports of the team and region pages: which rows, read in keyset batches so
an export of 55,000 people streams with a bounded memory (see `training.exports`)."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import Row, and_, func, or_, select

from extensions import db
from models import Person, PersonStatus, Requirement, Unit
from training.queries import STATUS_COLUMNS, PersonRow, UnitRow, _filtered, _scoped, _with_people


#: People read per batch by `people_batches` (exports).
EXPORT_BATCH = 2000


def count_people(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                 state: str = "all") -> int:
    stmt = _filtered(_scoped(select(PersonStatus.person_id), requirement, manager, unit), state, None, "")
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def people_batches(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                   state: str = "all", batch: int | None = None,
                   ) -> Iterator[list[tuple[PersonRow, UnitRow | None, Row]]]:
    """Every covered person in scope, by name, in batches read as they are needed (keyset
    pagination on (sort_name, person_id): an export of 55,000 never holds them all)."""
    stmt = _filtered(_scoped(select(*STATUS_COLUMNS, PersonStatus.sort_name), requirement, manager, unit),
                     state, None, "")
    batch = batch or EXPORT_BATCH
    last: tuple[str, int] | None = None
    while True:
        window = stmt
        if last is not None:
            window = window.where(or_(PersonStatus.sort_name > last[0],
                                      and_(PersonStatus.sort_name == last[0], PersonStatus.person_id > last[1])))
        rows = db.session.execute(window.order_by(PersonStatus.sort_name, PersonStatus.person_id).limit(batch)).all()
        if rows:
            yield _with_people(rows)
        if len(rows) < batch:
            return
        last = (rows[-1].sort_name, rows[-1].person_id)
