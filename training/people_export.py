"""The people exports of the team and region pages: which rows, read in keyset batches so
an export of 55,000 people streams with a bounded memory (see `training.exports`)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import Response
from flask_babel import gettext as _
from sqlalchemy import Row, and_, func, or_, select

from extensions import db
from main.i18n import local_tz
from models import CourseVersion, Person, PersonStatus, Requirement, Unit
from training import exports
from training.queries import STATUS_COLUMNS, _filtered, _scoped, _with_people, needs_new, unit_name
from training.rows import PersonRow, UnitRow

#: People read per batch by `people_batches` (exports).
EXPORT_BATCH = 2000


def _selected(columns: tuple, requirement: Requirement, manager: Person | None, unit: Unit | None, state: str,
              unit_id: int | None, q: str):
    """The same selection as the page's list (`queries.people_page`): scope, state, unit and name."""
    stmt, state = needs_new(_scoped(select(*columns), requirement, manager, unit), requirement, state)
    return _filtered(stmt, state, unit_id, q)


def count_people(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                 state: str = "all", unit_id: int | None = None, q: str = "") -> int:
    stmt = _selected((PersonStatus.person_id,), requirement, manager, unit, state, unit_id, q)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def people_batches(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                   state: str = "all", unit_id: int | None = None, q: str = "", batch: int | None = None,
                   ) -> Iterator[list[tuple[PersonRow, UnitRow | None, Row]]]:
    """Every covered person in scope, by name, in batches read as they are needed (keyset
    pagination on (sort_name, person_id): an export of 55,000 never holds them all)."""
    stmt = _selected((*STATUS_COLUMNS, PersonStatus.sort_name), requirement, manager, unit, state, unit_id, q)
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


def version_names() -> dict[int, str]:
    return dict(db.session.execute(select(CourseVersion.id, CourseVersion.name)).tuples().all())


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(local_tz()).replace(microsecond=0) if moment else None


def filters_text(args: dict, filter_labels: dict) -> str:
    """The filters of a list in words, for the first line of its export."""
    parts = [_("Filter: %(state)s", state=filter_labels.get(args["state"], args["state"]))]
    if args["unit_id"] is not None:
        name = unit_name(args["unit_id"]) if args["unit_id"] else None
        parts.append(_("enhet %(name)s", name=name or _("(ingen enhet)")))
    if args["q"]:
        parts.append(_("namn innehåller ”%(q)s”", q=args["q"]))
    return ", ".join(parts)


def download(fmt: str, filename: str, title: str, data_time: datetime | None, requirement: Requirement,
             state_labels: dict, *, manager: Person | None = None, unit: Unit | None = None,
             state: str = "all", unit_id: int | None = None, q: str = "") -> Response:
    """A people export (the same columns everywhere) of exactly the list's selection, streamed as it is read."""
    versions = version_names()
    labels = {key: str(label) for key, label in state_labels.items()}
    headers = [_("Namn"), _("Användarnamn"), _("Anställningsnummer"), _("Enhet"), _("Status"), _("Sista datum"),
               _("Genomförd"), _("Version")]

    def cells() -> Iterator[list[list]]:
        for batch in people_batches(requirement, manager=manager, unit=unit, state=state, unit_id=unit_id, q=q):
            yield [[p.name, p.username, p.employee_number or "", u.name if u else "", labels.get(s.state, s.state),
                    s.due_on, _local(s.completed_at), versions.get(s.version_id, "")] for p, u, s in batch]

    return exports.streamed(fmt, filename, title, data_time, headers, cells())
