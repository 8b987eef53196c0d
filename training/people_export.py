"""The people exports of the team and region pages: which rows, read in keyset batches so
an export of 55,000 people streams with a bounded memory (see `training.exports`)."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from flask import Response
from flask_babel import gettext as _
from sqlalchemy import Row, Select, and_, func, or_, select

from extensions import db
from main.i18n import local_tz
from models import CourseVersion, Person, PersonStatus, Requirement, Unit
from models.base import bulk_read, fast_utc
from models.directory import person_name
from training import exports
from training.queries import _filtered, _scoped, needs_new, unit_name

#: People read per batch by `people_batches` (exports).
EXPORT_BATCH = 2000
#: What an export row is read from: the cached status, the person and their unit, in one
#: statement per batch (a second read by 2,000 person ids cost more than the join).
#: `download` unpacks the rows by position: change its unpacking with this order.
EXPORT_COLUMNS = (
    PersonStatus.person_id, PersonStatus.state, PersonStatus.due_on, PersonStatus.version_id,
    fast_utc(PersonStatus.completed_at).label("completed_at"), PersonStatus.sort_name,
    Person.display_name, Person.given_name, Person.family_name, Person.username, Person.employee_number,
    Unit.name.label("unit_name"),
)


def _selected(columns: tuple, requirement: Requirement, manager: Person | None, unit: Unit | None, state: str,
              unit_id: int | None, q: str):
    """The same selection as the page's list (`queries.people_page`): scope, state, unit and name."""
    stmt, state = needs_new(_scoped(select(*columns), requirement, manager, unit), requirement, state)
    return _filtered(stmt, state, unit_id, q)


def selected_ids(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                 state: str = "all", unit_id: int | None = None, q: str = "") -> Select:
    """The person ids of exactly a list's selection, as a SELECT to count or filter by."""
    return _selected((PersonStatus.person_id,), requirement, manager, unit, state, unit_id, q)


def count_people(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                 state: str = "all", unit_id: int | None = None, q: str = "") -> int:
    stmt = selected_ids(requirement, manager=manager, unit=unit, state=state, unit_id=unit_id, q=q)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def people_batches(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                   state: str = "all", unit_id: int | None = None, q: str = "", batch: int | None = None,
                   ) -> Iterator[Sequence[Row]]:
    """Every covered person in scope, by name, in batches of EXPORT_COLUMNS rows read as
    they are needed (keyset pagination on (sort_name, person_id): an export of 55,000 never
    holds them all).

    The statement is built here, at the call, from the request's objects; the batches are
    read later, while the response streams, when those objects may be expired and detached
    (the session store commits at the end of the request), so the reading touches none of them."""
    stmt = _selected(EXPORT_COLUMNS, requirement, manager, unit, state, unit_id, q)
    stmt = stmt.join(Person, Person.id == PersonStatus.person_id).outerjoin(Unit, Unit.id == Person.unit_id)
    return _batches(stmt, batch or EXPORT_BATCH)


def _batches(stmt, batch: int) -> Iterator[Sequence[Row]]:
    last: tuple[str, int] | None = None
    while True:
        window = stmt
        if last is not None:
            window = window.where(or_(PersonStatus.sort_name > last[0],
                                      and_(PersonStatus.sort_name == last[0], PersonStatus.person_id > last[1])))
        rows = bulk_read(db.session, window.order_by(PersonStatus.sort_name, PersonStatus.person_id).limit(batch)).all()
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = (rows[-1].sort_name, rows[-1].person_id)


def version_names() -> dict[int, str]:
    return dict(db.session.execute(select(CourseVersion.id, CourseVersion.name)).tuples().all())


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
             state: str = "all", unit_id: int | None = None, q: str = "",
             release: Callable[[], None] | None = None) -> Response:
    """A people export (the same columns everywhere) of exactly the list's selection, streamed
    as it is read; `release` (its `exports.export_slot`) is called when it ends."""
    versions = version_names()
    labels = {key: str(label) for key, label in state_labels.items()}
    headers = [_("Namn"), _("Användarnamn"), _("Anställningsnummer"), _("Enhet"), _("Status"), _("Sista datum"),
               _("Genomförd"), _("Version")]

    batches = people_batches(requirement, manager=manager, unit=unit, state=state, unit_id=unit_id, q=q)

    def cells() -> Iterator[list[list]]:
        tz = local_tz()
        for batch in batches:  # rows unpacked by position (EXPORT_COLUMNS): cheaper than by name
            yield [[person_name(display, given, family, username), username, number or "", unit_label or "",
                    labels.get(status, status), due_on,
                    completed.astimezone(tz).replace(microsecond=0) if completed else None, versions.get(vid, "")]
                   for _pid, status, due_on, vid, completed, _sort, display, given, family, username, number, unit_label
                   in batch]

    return exports.streamed(fmt, filename, title, data_time, headers, cells(), release)
