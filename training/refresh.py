"""The status cache: every covered person's status (`training_status`) and the counts
per manager (`training_team_summary`), so a team page for 55,000 people is a handful
of indexed reads.

The cache is derived data. It is recomputed for a requirement when it was computed for
an earlier day, when a write marked it dirty (imports, exemptions, requirement changes),
and by the scheduled refresh (which picks up directory changes). Single completions from
the API update only the people concerned (`refresh_people`).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from extensions import db
from main.i18n import local_tz
from models import Person, PersonAncestor, PersonStatus, Requirement, TeamSummary, TrainingRefresh, Unit
from training import facts
from training.status import DONE_STATES, STATES, Status, local_date

log = logging.getLogger(__name__)
BATCH = 5000
#: A recount that changed at least this many cached rows refreshes the planner statistics.
ANALYZE_AFTER_ROWS = 1000
_STATE_INDEX = {s: i for i, s in enumerate(STATES)}


def mark_dirty(requirement_ids: list[int] | None = None) -> None:
    """Make the next read recompute (call inside the transaction that changed the data)."""
    stmt = update(TrainingRefresh).values(dirty=True)
    if requirement_ids is not None:
        stmt = stmt.where(TrainingRefresh.requirement_id.in_(requirement_ids))
    db.session.execute(stmt)


def on_directory_synced(_sender, **_kwargs) -> None:
    """Receiver of `signals.directory_synced`: the people changed, so every requirement's cache is stale."""
    mark_dirty()
    db.session.commit()


def ensure_fresh(now: datetime) -> None:
    """Recompute the cache of every active requirement that is stale; never fails a page."""
    today = local_date(now, local_tz())
    stamps = {s.requirement_id: s for s in db.session.scalars(select(TrainingRefresh))}
    for requirement in facts.active_requirements():
        stamp = stamps.get(requirement.id)
        if stamp is None or stamp.dirty or stamp.computed_for != today:
            try:
                refresh(requirement, now)
                db.session.commit()
            except DBAPIError:  # a concurrent refresh won; the page shows what is there
                log.warning("status refresh of requirement %s failed", requirement.id, exc_info=True)
                db.session.rollback()


def refresh_all(now: datetime) -> int:
    """Recompute every active requirement's cache; returns how many people were covered."""
    covered = 0
    for requirement in facts.active_requirements():
        covered += refresh(requirement, now)
    return covered


def _person_rows(person_ids=None) -> dict[int, tuple[int | None, str]]:
    stmt = select(Person.id, Person.unit_id, Person.family_name, Person.given_name).where(Person.active.is_(True))
    if person_ids is not None:
        stmt = stmt.where(Person.id.in_(person_ids))
    return {pid: (uid, f"{fam} {giv}".strip().lower()[:400]) for pid, uid, fam, giv in db.session.execute(stmt)}


def _cache_row(requirement_id: int, pid: int, s: Status, unit_id, sort_name: str) -> dict:
    return {
        "requirement_id": requirement_id, "person_id": pid, "state": s.state, "done": s.state in DONE_STATES,
        "due_on": s.due_on, "version_id": s.version_id, "completed_at": s.completed_at,
        "unit_id": unit_id, "sort_name": sort_name,
    }


_COMPARED = ("state", "due_on", "version_id", "completed_at", "unit_id", "sort_name")


def _write_statuses(requirement_id: int, fresh: dict[int, dict], person_ids=None) -> tuple[dict, dict]:
    """Bring the cached rows in line with `fresh`; returns ({pid: old row}, {pid: new row}) that changed."""
    columns = [getattr(PersonStatus, c) for c in _COMPARED]
    stmt = select(PersonStatus.person_id, *columns).where(PersonStatus.requirement_id == requirement_id)
    if person_ids is not None:
        stmt = stmt.where(PersonStatus.person_id.in_(person_ids))
    old = {pid: dict(zip(_COMPARED, rest)) for pid, *rest in db.session.execute(stmt)}
    gone = [pid for pid in old if pid not in fresh]
    added = [row for pid, row in fresh.items() if pid not in old]
    changed = [row for pid, row in fresh.items() if pid in old and any(old[pid][c] != row[c] for c in _COMPARED)]
    for i in range(0, len(gone), BATCH):
        db.session.execute(delete(PersonStatus).where(
            PersonStatus.requirement_id == requirement_id, PersonStatus.person_id.in_(gone[i:i + BATCH])))
    if added:
        db.session.execute(insert(PersonStatus.__table__), added)
    if changed:
        table = PersonStatus.__table__
        stmt = update(table).where(
            table.c.requirement_id == bindparam("b_req"), table.c.person_id == bindparam("b_pid")
        ).values({c: bindparam(c) for c in ("state", "done", *_COMPARED[1:])})
        db.session.execute(stmt, [{**row, "b_req": requirement_id, "b_pid": row["person_id"]} for row in changed])
    before = {pid: old[pid] for pid in gone} | {r["person_id"]: old[r["person_id"]] for r in changed}
    after = {r["person_id"]: r for r in added + changed}
    return before, after


def refresh(requirement: Requirement, now: datetime) -> int:
    """Recompute the whole cache of one requirement; returns how many people it covers."""
    statuses = facts.statuses(requirement, now)
    people = _person_rows()
    fresh = {
        pid: _cache_row(requirement.id, pid, s, *people.get(pid, (None, "")))
        for pid, s in statuses.items()
    }
    before, after = _write_statuses(requirement.id, fresh)
    _write_summaries(requirement.id, {pid: (row["state"], row["unit_id"]) for pid, row in fresh.items()})
    _stamp(requirement.id, now)
    if len(before) + len(after) >= ANALYZE_AFTER_ROWS:
        _update_statistics()
    return len(fresh)


def _update_statistics() -> None:
    """After a large recount, PostgreSQL's planner statistics are refreshed at once: until
    autovacuum gets to it, a freshly filled cache looks empty to the planner, which then
    walks the whole closure table for "Mitt team" (100 ms instead of 1 ms for 55,000 people).
    SQLite keeps no statistics unless asked; its queries name their index where it matters."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE training_status"))
        db.session.execute(text("ANALYZE training_team_summary"))


def _stamp(requirement_id: int, now: datetime) -> None:
    stamp = db.session.get(TrainingRefresh, requirement_id)
    if stamp is None:
        stamp = TrainingRefresh(requirement_id=requirement_id)
        db.session.add(stamp)
    stamp.computed_for, stamp.computed_at, stamp.dirty = local_date(now, local_tz()), now, False
    db.session.flush()


class _Grouper:
    """Which sub-unit of a manager's unit a person below them is counted in.

    A person in a unit below the manager's own unit counts in the child of the
    manager's unit on the way down; for a manager without a unit, in the top-level
    unit; anyone else counts in their own unit.
    """

    def __init__(self) -> None:
        self.paths = {
            uid: [int(x) for x in path.strip("/").split("/") if x]
            for uid, path in db.session.execute(select(Unit.id, Unit.path))
        }
        self.memo: dict[tuple, int] = {}

    def group(self, manager_unit: int | None, unit: int | None) -> int:
        key = (manager_unit, unit)
        if key not in self.memo:
            self.memo[key] = self._group(manager_unit, unit)
        return self.memo[key]

    def _group(self, manager_unit, unit) -> int:
        if unit is None:
            return 0
        path = self.paths.get(unit, [unit])
        if manager_unit is None:
            return path[0]  # a manager above every unit (the region's top) sees the förvaltningar
        if manager_unit != unit and manager_unit in path:
            return path[path.index(manager_unit) + 1]
        return unit


def _write_summaries(requirement_id: int, people: dict[int, tuple[str, int | None]]) -> None:
    """Counts for every manager: everyone below, direct reports, per sub-unit."""
    units = dict(db.session.execute(select(Person.id, Person.unit_id).where(Person.active.is_(True))).all())
    grouper = _Grouper()
    counts: dict[tuple[int, str, int], list[int]] = defaultdict(lambda: [0] * len(STATES))
    closure = db.session.execute(
        select(PersonAncestor.ancestor_id, PersonAncestor.descendant_id, PersonAncestor.depth)
    )
    for manager, person, depth in closure:
        entry = people.get(person)
        if entry is None:
            continue
        state_index = _STATE_INDEX[entry[0]]
        counts[(manager, "all", 0)][state_index] += 1
        if depth == 1:
            counts[(manager, "direct", 0)][state_index] += 1
        counts[(manager, "unit", grouper.group(units.get(manager), entry[1]))][state_index] += 1
    db.session.execute(delete(TeamSummary).where(TeamSummary.requirement_id == requirement_id))
    rows = [
        {"requirement_id": requirement_id, "manager_id": m, "kind": kind, "unit_id": uid,
         "required": sum(c), **dict(zip(STATES, c))}
        for (m, kind, uid), c in counts.items()
    ]
    for i in range(0, len(rows), BATCH):
        db.session.execute(insert(TeamSummary.__table__), rows[i:i + BATCH])


def refresh_people(person_ids: list[int], now: datetime) -> None:
    """Update the cache for a few people (after an API completion) without a full recompute."""
    stamps = {s.requirement_id: s for s in db.session.scalars(select(TrainingRefresh))}
    today = local_date(now, local_tz())
    for requirement in facts.active_requirements():
        stamp = stamps.get(requirement.id)
        if stamp is None or stamp.dirty or stamp.computed_for != today:
            continue  # the next read recomputes everything anyway
        statuses = facts.statuses(requirement, now, person_ids)
        people = _person_rows(person_ids)
        fresh = {pid: _cache_row(requirement.id, pid, s, *people.get(pid, (None, ""))) for pid, s in statuses.items()}
        before, after = _write_statuses(requirement.id, fresh, person_ids)
        for pid in set(before) | set(after):
            old, new = before.get(pid), after.get(pid)
            _shift_counts(requirement.id, pid, old, new)


def _shift_counts(requirement_id: int, person_id: int, old: dict | None, new: dict | None) -> None:
    """Move one person from their old status to the new one in every manager's counts."""
    grouper = _Grouper()
    chain = db.session.execute(
        select(PersonAncestor.ancestor_id, PersonAncestor.depth, Person.unit_id)
        .join(Person, Person.id == PersonAncestor.ancestor_id)
        .where(PersonAncestor.descendant_id == person_id)
    ).all()
    for manager, depth, manager_unit in chain:
        for row, step in ((old, -1), (new, 1)):
            if row is None:
                continue
            keys = [("all", 0), ("unit", grouper.group(manager_unit, row["unit_id"]))]
            if depth == 1:
                keys.append(("direct", 0))
            for kind, uid in keys:
                _bump(requirement_id, manager, kind, uid, row["state"], step)


def _bump(requirement_id: int, manager: int, kind: str, unit_id: int, state: str, step: int) -> None:
    key = dict(requirement_id=requirement_id, manager_id=manager, kind=kind, unit_id=unit_id)
    summary = db.session.get(TeamSummary, key)
    if summary is None:
        summary = TeamSummary(**key, required=0, **{s: 0 for s in STATES})
        db.session.add(summary)
    setattr(summary, state, max(0, getattr(summary, state) + step))
    summary.required = max(0, summary.required + step)
    db.session.flush()
