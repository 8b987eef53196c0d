"""Reads for the training pages, exports and the status command.

Team and region numbers come from the status cache (`training.refresh`) as it is:
reads never recompute it (`training.freshness` says how fresh it is). Who may see whom is decided by the callers
through `auth.access`; the manager queries here only ever look below the manager.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, literal, literal_column, select
from sqlalchemy.orm import Bundle, InstrumentedAttribute

from directory import tree
from directory.search import name_matches
from extensions import db
from models import (
    ColumnMapping,
    Course,
    Person,
    PersonAncestor,
    PersonStatus,
    Requirement,
    TeamSummary,
    TrainingRefresh,
    Unit,
    UnitSummary,
)
from training import facts
from training.rows import PERSON_ROW_COLUMNS, PersonRow, UnitNode, UnitRow, person_row
from training.status import STATES, Counts

#: Status filters on the team and region pages.
FILTERS = ("todo", "overdue", "in_progress", "not_started", "completed", "needs_new", "exempt", "all")
SORTS = ("due", "name", "status", "unit")
#: The status columns a people list shows (read as plain rows, not objects).
STATUS_COLUMNS = (PersonStatus.person_id, PersonStatus.state, PersonStatus.due_on, PersonStatus.version_id,
                  PersonStatus.completed_at)
#: Up to this many people below a manager, their team list is read by person id.
SMALL_TEAM = 500
#: SQLite's planner, without statistics, would rather walk the region-wide to-do index;
#: PostgreSQL picks the key by itself.
PK_HINT = "INDEXED BY sqlite_autoindex_training_status_1"


def mapping_by_name(name: str) -> ColumnMapping | None:
    return db.session.scalar(select(ColumnMapping).where(ColumnMapping.name == name))


def requirement_for_course(course: Course | None) -> Requirement | None:
    """The first active requirement (of `course`, if given)."""
    return next((r for r in facts.active_requirements() if course is None or r.course_id == course.id), None)


def requirement_or_default(requirement_id: int | None) -> Requirement | None:
    """The active requirement asked for, else the first one."""
    active = facts.active_requirements()
    return next((r for r in active if r.id == requirement_id), active[0] if active else None)


def data_time(requirement: Requirement) -> datetime | None:
    """When the numbers shown for `requirement` were computed (for pages and exports)."""
    stamp = db.session.get(TrainingRefresh, requirement.id)
    return stamp.computed_at if stamp else None


def _counts(row) -> Counts:
    return Counts(**{s: getattr(row, s) for s in STATES})


@dataclass
class TeamSummaryView:
    everyone: Counts
    direct: Counts
    #: [(unit or None, counts)], biggest first.
    units: list[tuple[UnitRow | None, Counts]] = field(default_factory=list)


def team_summary(requirement: Requirement, manager: Person, with_units: bool = True) -> TeamSummaryView:
    """The manager's counts (`with_units=False`: the sub-unit rows are `training.unit_rows`')."""
    stmt = (select(TeamSummary, Unit.name).outerjoin(Unit, Unit.id == TeamSummary.unit_id)
            .where(TeamSummary.requirement_id == requirement.id, TeamSummary.manager_id == manager.id))
    if not with_units:
        stmt = stmt.where(TeamSummary.kind != "unit")
    rows = db.session.execute(stmt).all()
    everyone, direct, units = Counts(), Counts(), []
    for row, unit_name in rows:
        if row.kind == "all":
            everyone = _counts(row)
        elif row.kind == "direct":
            direct = _counts(row)
        else:
            units.append((UnitRow(row.unit_id, unit_name) if unit_name is not None else None, _counts(row)))
    units.sort(key=lambda uc: (-uc[1].required, uc[0].name if uc[0] else ""))
    return TeamSummaryView(everyone, direct, units)


@dataclass
class PeoplePage:
    #: [(person, unit, status columns)]
    rows: list[tuple[PersonRow, UnitRow | None, Row]]
    total: int
    page: int
    pages: int


def _filtered(stmt: Select, state: str, unit_id: int | None, q: str) -> Select:
    if state == "todo":
        stmt = stmt.where(PersonStatus.done.is_(False))
    elif state in STATES:
        stmt = stmt.where(PersonStatus.state == state)
    elif state == "none":
        stmt = stmt.where(PersonStatus.person_id.is_(None))
    if unit_id is not None:
        if unit_id == 0:
            stmt = stmt.where(PersonStatus.unit_id.is_(None))
        else:
            stmt = stmt.where(PersonStatus.unit_id.in_(tree.units_below([unit_id])))
    if q:
        matching = select(Person.id).where(name_matches(q))
        stmt = stmt.where(PersonStatus.person_id.in_(matching))
    return stmt


def _ordered(stmt: Select, sort: str, desc: bool) -> Select:
    keys: list[InstrumentedAttribute[Any]]
    if sort == "unit":
        stmt = stmt.outerjoin(Unit, Unit.id == PersonStatus.unit_id)
        keys = [Unit.name, PersonStatus.sort_name]
    else:
        by_sort: dict[str, list[InstrumentedAttribute[Any]]] = {
            "due": [PersonStatus.due_on, PersonStatus.sort_name], "name": [PersonStatus.sort_name],
            "status": [PersonStatus.state, PersonStatus.due_on, PersonStatus.sort_name]}
        keys = by_sort[sort]
    return stmt.order_by(*[k.desc() if desc else k.asc() for k in keys], PersonStatus.person_id)


def people_page(requirement: Requirement, *, manager: Person | None = None, unit: Unit | None = None,
                state: str = "todo", unit_id: int | None = None, q: str = "", sort: str = "due",
                desc: bool = False, page: int = 1, page_size: int = 50, known_total: int | None = None) -> PeoplePage:
    """Covered people below `manager` (or in `unit`'s subtree, or everyone), filtered, sorted and paged."""
    stmt, state = needs_new(_scoped(select(*STATUS_COLUMNS), requirement, manager, unit), requirement, state)
    stmt = _filtered(stmt, state, unit_id, q)
    total = known_total
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    window = _ordered(stmt, sort, desc).limit(literal_column(str(int(page_size))))
    statuses = db.session.execute(window.offset(literal_column(str(int((page - 1) * page_size))))).all()
    return PeoplePage(_with_people(statuses), total, page, pages)


def needs_new(stmt: Select, requirement: Requirement, state: str) -> tuple[Select, str]:
    """The "needs_new" filter: done with an older version that counts only until the transition
    date. Returns the statement and the state filter still to apply."""
    if state != "needs_new":
        return stmt, state
    stmt = stmt.where(PersonStatus.state == "completed",
                      PersonStatus.version_id != (requirement.current_version_id or 0))
    return stmt, ("all" if requirement.transition_on and requirement.current_version_id else "none")


def _scoped(stmt: Select, requirement: Requirement, manager: Person | None, unit: Unit | None) -> Select:
    """`stmt` over training_status, limited to the requirement and the people in scope."""
    stmt = stmt.where(PersonStatus.requirement_id == requirement.id)
    if manager is not None and (manager.subtree_size or 0) <= SMALL_TEAM:
        # A small team: look its people up by key, rather than walking the region's
        # to-do index in due-date order and discarding almost everything.
        below = list(db.session.scalars(tree.people_below(manager.id)))
        stmt = stmt.where(PersonStatus.person_id.in_(below)).with_hint(PersonStatus, PK_HINT, "sqlite")
    elif manager is not None:
        # The manager's id (and the page window below) go into the SQL text: a plan prepared
        # once for "some manager" (PostgreSQL's generic plan) would walk the closure table
        # for the whole region instead of the to-do index in due-date order.
        stmt = stmt.join(PersonAncestor, PersonAncestor.descendant_id == PersonStatus.person_id).where(
            PersonAncestor.ancestor_id == literal(manager.id, literal_execute=True))
    elif unit is not None:
        stmt = stmt.where(PersonStatus.unit_id.in_(tree.units_below([unit.id])))
    return stmt


def _with_people(statuses: Sequence[Row]) -> list[tuple[PersonRow, UnitRow | None, Row]]:
    ids = [s.person_id for s in statuses]
    if not ids:
        return []
    people: dict[int, PersonRow] = {}
    units: dict[int | None, UnitRow] = {}
    for *columns, unit_name in db.session.execute(
            select(*PERSON_ROW_COLUMNS, Unit.name)
            .outerjoin(Unit, Unit.id == Person.unit_id).where(Person.id.in_(ids))):
        row = person_row(*columns)
        people[row.id] = row
        unit_id = row.unit_id
        if unit_id is not None:
            units[unit_id] = UnitRow(unit_id, unit_name)
    return [(people[s.person_id], units.get(people[s.person_id].unit_id), s) for s in statuses if s.person_id in people]


def unit_name(unit_id: int) -> str | None:
    return db.session.scalar(select(Unit.name).where(Unit.id == unit_id))


def todo_total(summary: TeamSummaryView) -> int:
    c = summary.everyone
    return c.required - c.completed - c.exempt


@dataclass
class RegionView:
    unit: Unit | None
    total: Counts
    #: [(child unit or None for "no unit", counts for its whole subtree)]
    children: list[tuple[UnitNode | None, Counts]]
    trail: list[UnitRow]


def region(requirement: Requirement, unit: Unit | None, with_children: bool = True) -> RegionView:
    """The region (or one unit) split into its child units, each with everything below it,
    read from the cache's per-unit counts (`training.unit_counts`). `with_children=False`:
    the total and the trail only (the page's rows are `training.unit_rows`')."""
    scope = unit.id if unit else 0
    table = UnitSummary
    parent = Unit.parent_id.is_(None) if unit is None else Unit.parent_id == unit.id
    # Plain unit rows, not objects.
    children: list[tuple[UnitNode | None, Counts]] = [
        (UnitNode(*unit_row), _counts(row)) for row, unit_row in db.session.execute(
            select(table, Bundle("unit", Unit.id, Unit.name, Unit.path, Unit.parent_id, Unit.level))
            .join(Unit, Unit.id == table.unit_id)
            .where(table.requirement_id == requirement.id, table.kind == "subtree", table.required > 0, parent))
    ] if with_children else []
    own, total = Counts(), Counts()
    for row in db.session.scalars(select(table).where(table.requirement_id == requirement.id,
                                                      table.unit_id == scope)):
        if row.kind == "own":
            own = _counts(row)
        else:
            total = _counts(row)
    if own.required and with_children:  # people placed in the unit itself, or (for the region) in no unit
        children.append((UnitNode(unit.id, unit.name, unit.path, unit.parent_id, unit.level) if unit else None, own))
    children.sort(key=lambda uc: (uc[0] is None, uc[0].name if uc[0] else ""))
    trail: list[UnitRow] = []
    if unit is not None:
        ids = _path_ids(unit.path)
        names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).tuples().all())
        trail = [UnitRow(i, names[i]) for i in ids if i in names]
    return RegionView(unit, total, children, trail)


def _path_ids(path: str) -> list[int]:
    return [int(x) for x in (path or "").strip("/").split("/") if x]


def _report(requirement: Requirement, scope: dict, total: Counts,
            units: Sequence[tuple[UnitRow | UnitNode | None, Counts]]) -> dict:
    as_of = data_time(requirement)
    return {
        "as_of": as_of.isoformat() if as_of else None, "scope": scope,
        "requirement": {"id": requirement.id, "name": requirement.name, "course": requirement.course.code},
        **total.as_dict(), "percent": total.percent,
        "units": [{"id": u.id if u else None, "name": u.name if u else "(ingen enhet)", **c.as_dict(),
                   "percent": c.percent} for u, c in units],
    }


def status_report_for_manager(requirement: Requirement, manager: Person) -> dict:
    summary = team_summary(requirement, manager)
    scope = {"type": "manager", "id": manager.id, "username": manager.username, "name": manager.name}
    return _report(requirement, scope, summary.everyone, summary.units)


def status_report_for_unit(requirement: Requirement, unit: Unit | None) -> dict:
    view = region(requirement, unit)
    scope = ({"type": "unit", "id": unit.id, "name": unit.name} if unit
             else {"type": "region", "id": None, "name": "Hela regionen"})
    return _report(requirement, scope, view.total, view.children)
