"""The status cache: every covered person's status (`training_status`), the counts
per manager (`training_team_summary`) and per unit (`training_unit_summary`, through
`training.unit_counts`), so a team or region page for 55,000 people is a handful of
indexed reads.

The cache is derived data, written here and nowhere else: `refresh` recomputes one
requirement for everyone, `refresh_people` updates a set of people and shifts their
managers' counts. When they run, and under which lock, is `training.freshness`'s business;
no web request ever calls them for a read.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, text, update

from extensions import db
from main.i18n import local_tz
from models import Person, PersonAncestor, PersonStatus, Requirement, TeamSummary, TrainingRefresh, Unit
from models.base import bulk_read, ids_in, table_of
from training import facts, unit_counts
from training.status import DONE_STATES, STATES, Status, local_date

BATCH = 5000
#: A recount that changed at least this many cached rows refreshes the planner statistics.
ANALYZE_AFTER_ROWS = 1000
_STATE_INDEX = {s: i for i, s in enumerate(STATES)}


def mark_dirty(requirement_ids: list[int] | None = None) -> None:
    """Queue a full recompute for the scheduler (call inside the transaction that changed the data).

    For changes that move every status (a requirement, a version, the org chart); writes that
    touch a known set of people use `training.freshness.people_changed` instead."""
    stmt = update(TrainingRefresh).values(dirty=True)
    if requirement_ids is not None:
        stmt = stmt.where(TrainingRefresh.requirement_id.in_(requirement_ids))
    db.session.execute(stmt)


def _person_rows(person_ids=None) -> dict[int, tuple[int | None, str]]:
    stmt = select(Person.id, Person.unit_id, Person.family_name, Person.given_name).where(Person.active.is_(True))
    if person_ids is not None:
        stmt = stmt.where(ids_in(Person.id, person_ids))
    return {pid: (uid, f"{fam} {giv}".strip().lower()[:400]) for pid, uid, fam, giv in bulk_read(db.session, stmt)}


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
        stmt = stmt.where(ids_in(PersonStatus.person_id, person_ids))
    old = {pid: dict(zip(_COMPARED, rest)) for pid, *rest in bulk_read(db.session, stmt)}
    gone = [pid for pid in old if pid not in fresh]
    added = [row for pid, row in fresh.items() if pid not in old]
    changed = [row for pid, row in fresh.items() if pid in old and any(old[pid][c] != row[c] for c in _COMPARED)]
    for i in range(0, len(gone), BATCH):
        db.session.execute(delete(PersonStatus).where(
            PersonStatus.requirement_id == requirement_id, ids_in(PersonStatus.person_id, gone[i:i + BATCH])))
    if added:
        db.session.execute(insert(table_of(PersonStatus)), added)
    if changed:
        table = table_of(PersonStatus)
        by_key = update(table).where(
            table.c.requirement_id == bindparam("b_req"), table.c.person_id == bindparam("b_pid")
        ).values({c: bindparam(c) for c in ("state", "done", *_COMPARED[1:])})
        db.session.execute(by_key, [{**row, "b_req": requirement_id, "b_pid": row["person_id"]} for row in changed])
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
    grouper = _Grouper()
    states = {pid: (row["state"], row["unit_id"]) for pid, row in fresh.items()}
    _write_summaries(requirement.id, states, {pid: uid for pid, (uid, _name) in people.items()}, grouper)
    unit_counts.write_all(requirement.id, states, grouper.paths)
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
        db.session.execute(text("ANALYZE training_unit_summary"))


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
            for uid, path in bulk_read(db.session, select(Unit.id, Unit.path))
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


def _write_summaries(requirement_id: int, people: dict[int, tuple[str, int | None]], units: dict[int, int | None],
                     grouper: _Grouper) -> None:
    """Counts for every manager: everyone below, direct reports, per sub-unit. `units`: every
    active person's unit (the managers' included, covered by the requirement or not)."""
    counts: dict[tuple[int, str, int], list[int]] = defaultdict(lambda: [0] * len(STATES))
    closure = bulk_read(db.session, select(PersonAncestor.ancestor_id, PersonAncestor.descendant_id, PersonAncestor.depth))
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
        db.session.execute(insert(table_of(TeamSummary)), rows[i:i + BATCH])


def refresh_people(requirement: Requirement, person_ids: list[int], now: datetime) -> int:
    """Update the cache of one requirement for a few (or a few thousand) people, and move
    them in every manager's counts, without a full recompute; returns how many rows changed.

    Only valid while the cache holds for today (callers check the stamp) and with the
    requirement's lock held (`training.freshness`)."""
    changed = 0
    for i in range(0, len(person_ids), BATCH):
        chunk = person_ids[i:i + BATCH]
        statuses = facts.statuses(requirement, now, chunk)
        people = _person_rows(chunk)
        fresh = {pid: _cache_row(requirement.id, pid, s, *people.get(pid, (None, ""))) for pid, s in statuses.items()}
        before, after = _write_statuses(requirement.id, fresh, chunk)
        _shift_counts(requirement.id, before, after)
        changed += len(set(before) | set(after))
    return changed


def _shift_counts(requirement_id: int, before: dict[int, dict], after: dict[int, dict]) -> None:
    """Move people from their old status to the new one in every manager's counts (a few
    statements for any number of people: the deltas are summed first, then written)."""
    moved = sorted(set(before) | set(after))
    if not moved:
        return
    grouper = _Grouper()
    delta: dict[tuple[int, str, int], list[int]] = defaultdict(lambda: [0] * len(STATES))
    chains = bulk_read(db.session, (
        select(PersonAncestor.ancestor_id, PersonAncestor.descendant_id, PersonAncestor.depth, Person.unit_id)
        .join(Person, Person.id == PersonAncestor.ancestor_id)
        .where(ids_in(PersonAncestor.descendant_id, moved))))
    for manager, pid, depth, manager_unit in chains:
        for row, step in ((before.get(pid), -1), (after.get(pid), 1)):
            if row is None:
                continue
            keys = [("all", 0), ("unit", grouper.group(manager_unit, row["unit_id"]))] + (
                [("direct", 0)] if depth == 1 else [])
            for kind, uid in keys:
                delta[(manager, kind, uid)][_STATE_INDEX[row["state"]]] += step
    delta = {key: d for key, d in delta.items() if any(d)}
    _apply_deltas(requirement_id, delta)
    unit_counts.shift(requirement_id, before, after, grouper.paths)


def _apply_deltas(requirement_id: int, delta: dict[tuple[int, str, int], list[int]]) -> None:
    table = table_of(TeamSummary)
    managers = sorted({m for m, _k, _u in delta})
    existing: dict[tuple[int, str, int], list[int]] = {}
    for i in range(0, len(managers), BATCH):
        for stored in db.session.execute(select(table).where(
                table.c.requirement_id == requirement_id, ids_in(table.c.manager_id, managers[i:i + BATCH]))):
            existing[(stored.manager_id, stored.kind, stored.unit_id)] = [getattr(stored, s) for s in STATES]
    inserts: list[dict] = []
    updates: list[dict] = []
    for (manager, kind, uid), d in delta.items():
        counts = [max(0, old + step) for old, step in zip(existing.get((manager, kind, uid), [0] * len(STATES)), d, strict=True)]
        row = {"requirement_id": requirement_id, "manager_id": manager, "kind": kind, "unit_id": uid,
               "required": sum(counts), **dict(zip(STATES, counts, strict=True))}
        (updates if (manager, kind, uid) in existing else inserts).append(row)
    if inserts:
        db.session.execute(insert(table), inserts)
    if updates:
        stmt = update(table).where(
            table.c.requirement_id == bindparam("b_req"), table.c.manager_id == bindparam("b_man"),
            table.c.kind == bindparam("b_kind"), table.c.unit_id == bindparam("b_unit"),
        ).values({c: bindparam(c) for c in ("required", *STATES)})
        db.session.execute(stmt, [{**{c: r[c] for c in ("required", *STATES)}, "b_req": requirement_id,
                                   "b_man": r["manager_id"], "b_kind": r["kind"], "b_unit": r["unit_id"]}
                                  for r in updates])
