"""The per-unit rows of "Mitt team" and the region page: a page shows at most UNIT_ROWS,
worst completion first, and a search finds any unit below by name.

A page costs what it shows, not the org chart: a constant number of statements, and a
director with 2,000 sub-units gets 50 rows and a pager ("Visa alla enheter").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, and_, case, cast, func, or_, select

from directory import tree
from extensions import db
from models import Person, PersonStatus, Requirement, TeamSummary, Unit, UnitSummary
from training.queries import _counts, _path_ids
from training.rows import UnitRow
from training.status import STATES, Counts

#: Unit rows per page.
UNIT_ROWS = 50
#: A search lists at most this many matching units (paged like the rest).
MAX_MATCHES = 500


@dataclass
class UnitRows:
    #: [(unit or None for "no unit", counts)] for this page, worst completion first.
    rows: list[tuple[UnitRow | None, Counts]]
    #: How many rows there are in all (sub-units, or units matching the search).
    total: int
    page: int
    pages: int
    #: The unit search, "" for none.
    q: str


#: A sub-unit row as plain columns (the page reads 50; ORM objects would cost more than the query).
_ROW_COLUMNS = (TeamSummary.unit_id, *(getattr(TeamSummary, s) for s in STATES), Unit.name)


def _pages(total: int) -> int:
    return max(1, -(-total // UNIT_ROWS))


def worst_first(item: tuple[UnitRow | None, Counts]) -> tuple:
    unit, counts = item
    percent = counts.percent
    return (percent is None, percent if percent is not None else 0.0, -counts.required, unit.name if unit else "")


def _paged(rows: list[tuple[UnitRow | None, Counts]], page: int, q: str) -> UnitRows:
    rows.sort(key=worst_first)
    pages = _pages(len(rows))
    page = min(max(page, 1), pages)
    return UnitRows(rows[(page - 1) * UNIT_ROWS:page * UNIT_ROWS], len(rows), page, pages, q)


def team_units(requirement: Requirement, manager: Person, *, q: str = "", page: int = 1) -> UnitRows:
    """A manager's sub-unit rows (from the cache's per-manager counts), or the units below
    them whose name contains `q`, each with the manager's people in its subtree."""
    if q:
        return _paged(_team_matches(requirement, manager, q), page, q)
    table = TeamSummary
    scope = select(table.unit_id).where(table.requirement_id == requirement.id, table.manager_id == manager.id,
                                        table.kind == "unit")
    total = db.session.scalar(select(func.count()).select_from(scope.subquery())) or 0
    pages = _pages(total)
    page = min(max(page, 1), pages)
    base = table.required - table.exempt
    share = case((base > 0, cast(table.completed, Float) / base), else_=2.0)  # nobody to count: last
    found = db.session.execute(
        select(*_ROW_COLUMNS).outerjoin(Unit, Unit.id == table.unit_id)
        .where(table.requirement_id == requirement.id, table.manager_id == manager.id, table.kind == "unit")
        .order_by(share, table.required.desc(), Unit.name, table.unit_id)
        .limit(UNIT_ROWS).offset((page - 1) * UNIT_ROWS)).all()
    rows = [(UnitRow(row.unit_id, row.name) if row.name is not None else None, _counts(row)) for row in found]
    return UnitRows(rows, total, page, pages, "")


def team_unit(requirement: Requirement, manager: Person, unit_id: int | None) -> tuple[UnitRow | None, Counts] | None:
    """One sub-unit row of the manager's (0: people without a unit), None if there is none."""
    if unit_id is None:
        return None
    table = TeamSummary
    row = db.session.execute(
        select(*_ROW_COLUMNS).outerjoin(Unit, Unit.id == table.unit_id)
        .where(table.requirement_id == requirement.id, table.manager_id == manager.id, table.kind == "unit",
               table.unit_id.is_(None) if unit_id == 0 else table.unit_id == unit_id)).first()
    if row is None:
        return None
    return (UnitRow(row.unit_id, row.name) if row.name is not None else None, _counts(row))


def _matching_units(q: str, under: int | None) -> list[tuple[int, str, str]]:
    stmt = select(Unit.id, Unit.name, Unit.path).where(func.lower(Unit.name).like(f"%{q.lower()}%"))
    if under is not None:
        stmt = stmt.where(Unit.id.in_(tree.units_below([under])))
    return list(db.session.execute(stmt.order_by(Unit.name).limit(MAX_MATCHES)).tuples())


def _own_counts(requirement: Requirement, manager: Person | None) -> dict[int | None, Counts]:
    """Counts per unit of the people placed in it (below `manager`, if given)."""
    stmt = select(PersonStatus.unit_id, PersonStatus.state, func.count()).where(
        PersonStatus.requirement_id == requirement.id)
    if manager is not None:
        stmt = stmt.where(PersonStatus.person_id.in_(tree.people_below(manager.id)))
    direct: dict[int | None, Counts] = defaultdict(Counts)
    for uid, state, n in db.session.execute(stmt.group_by(PersonStatus.unit_id, PersonStatus.state)):
        direct[uid].add(state, n)
    return direct


def _subtree_counts(direct: dict[int | None, Counts], wanted: set[int]) -> dict[int, Counts]:
    paths: dict[int, str] = dict(db.session.execute(
        select(Unit.id, Unit.path).where(Unit.id.in_([u for u in direct if u]))).tuples().all())
    subtree: dict[int, Counts] = defaultdict(Counts)
    for uid, counts in direct.items():
        for ancestor in _path_ids(paths.get(uid, "")) if uid else []:
            if ancestor in wanted:
                subtree[ancestor].merge(counts)
    return subtree


def _team_matches(requirement: Requirement, manager: Person, q: str) -> list[tuple[UnitRow | None, Counts]]:
    matches = _matching_units(q, None)
    subtree = _subtree_counts(_own_counts(requirement, manager), {uid for uid, _n, _p in matches})
    return [(UnitRow(uid, name), subtree[uid]) for uid, name, _p in matches if subtree.get(uid)]


def region_units(requirement: Requirement, unit: Unit | None, *, q: str = "", page: int = 1) -> UnitRows:
    """The region page's rows, from the cache's per-unit counts, worst first: the child units
    of `unit` (or the förvaltningar) and its own people (or those in no unit), or the units
    below it whose name contains `q`, each with everyone in its subtree."""
    table = UnitSummary
    scope = unit.id if unit else 0
    if q:
        wanted = and_(table.kind == "subtree", func.lower(Unit.name).like(f"%{q.lower()}%"))
        if unit is not None:
            wanted = and_(wanted, Unit.path.startswith(unit.path))  # the unit and the units below it
    else:
        parent = Unit.parent_id.is_(None) if unit is None else Unit.parent_id == unit.id
        wanted = or_(and_(table.kind == "subtree", table.unit_id != 0, parent),
                     and_(table.kind == "own", table.unit_id == scope))
    where = (table.requirement_id == requirement.id, table.required > 0, wanted)
    total = db.session.scalar(select(func.count()).select_from(table).outerjoin(Unit, Unit.id == table.unit_id)
                              .where(*where)) or 0
    pages = _pages(total)
    page = min(max(page, 1), pages)
    base = table.required - table.exempt
    share = case((base > 0, cast(table.completed, Float) / base), else_=2.0)  # nobody to count: last
    found = db.session.execute(
        select(table, Unit.name).outerjoin(Unit, Unit.id == table.unit_id).where(*where)
        .order_by(share, table.required.desc(), func.coalesce(Unit.name, ""), table.unit_id)
        .limit(UNIT_ROWS).offset((page - 1) * UNIT_ROWS)).all()
    rows = [(UnitRow(row.unit_id, name) if name is not None else None, _counts(row)) for row, name in found]
    return UnitRows(rows, total, page, pages, q)
