"""The org tree: rebuilds the closure table and subtree sizes from `Person.manager_id` and the
unit paths from `Unit.parent_id`, and answers "who and what is below this unit / manager"
(`units_below`, `people_below`) for every package.

Only active people take part. Cycles and self-managers never loop: the walk starts
from the roots, so anyone it cannot reach is in (or hangs under) a cycle; they are
detached (`manager_id` cleared, `manager_unknown` set) and reported.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, bindparam, delete, false, insert, literal, select, tuple_, update
from sqlalchemy.orm import Session, scoped_session

from extensions import db
from models import Person, PersonAncestor, Unit
from models.base import bulk_read, table_of

BATCH = 5000
#: A session, or Flask-SQLAlchemy's `db.session` (a scoped session standing in for one).
AnySession = Session | scoped_session[Any]


@dataclass
class TreeReport:
    people: int = 0
    closure_rows: int = 0
    inserted: int = 0
    deleted: int = 0
    #: Ids of people detached because their chain of managers looped back.
    cycles: list[int] = field(default_factory=list)


def _parents(session: AnySession) -> dict[int, int | None]:
    rows = bulk_read(session, select(Person.id, Person.manager_id).where(Person.active.is_(True))).all()
    return {pid: mid for pid, mid in rows}


def compute_closure(parents: dict[int, int | None]) -> tuple[dict[tuple[int, int], int], list[int]]:
    """Return ({(ancestor, descendant): depth}, ids in cycles) for a manager map.

    A manager outside the map (inactive, unknown) makes the person a root.
    """
    children: dict[int, list[int]] = defaultdict(list)
    roots = []
    for pid, mid in parents.items():
        if mid is None or mid == pid or mid not in parents:
            roots.append(pid)
        else:
            children[mid].append(pid)
    closure: dict[tuple[int, int], int] = {}
    reached: set[int] = set()
    stack: list[tuple[int, tuple[int, ...]]] = [(r, ()) for r in roots]
    while stack:
        pid, chain = stack.pop()
        reached.add(pid)
        depth = len(chain)
        for i, anc in enumerate(chain):
            closure[(anc, pid)] = depth - i
        next_chain = chain + (pid,)
        for child in children.get(pid, ()):
            stack.append((child, next_chain))
    cycles = sorted(set(parents) - reached)
    return closure, cycles


def find_cycles(parents: dict) -> list:
    """The ids in (or hanging under) a cycle: the `cycles` of `compute_closure`, without
    building the closure (a sync checks this for 55,000 people before writing anything)."""
    children: dict = defaultdict(list)
    stack = []
    for pid, mid in parents.items():
        if mid is None or mid == pid or mid not in parents:
            stack.append(pid)
        else:
            children[mid].append(pid)
    reached: set = set()
    while stack:
        pid = stack.pop()
        reached.add(pid)
        stack.extend(children.get(pid, ()))
    return sorted(set(parents) - reached)


def rebuild_closure(session: AnySession) -> TreeReport:
    """Bring `person_ancestor` and `Person.subtree_size` in line with the managers.

    Works per person on their chain of managers (a tuple of ids, nearest first) rather
    than on (ancestor, descendant) pairs: the same rows, a fraction of the memory."""
    parents = _parents(session)
    self_managed = [pid for pid, mid in parents.items() if mid == pid]
    detached = sorted(set(find_cycles(parents)) | set(self_managed))
    if detached:
        for chunk in _chunks(detached):
            session.execute(
                update(Person).where(Person.id.in_(chunk)).values(manager_id=None, manager_unknown=True)
            )
        for pid in detached:
            parents[pid] = None
    chains = _chains(parents)
    stored = _stored_chains(session)
    stale: list[tuple[int, int]] = []
    fresh: list[tuple[int, int, int]] = []
    for pid in stored.keys() | chains.keys():
        old, new = stored.get(pid, ()), chains.get(pid, ())
        if old == new:
            continue
        old_depths = old if isinstance(old, dict) else {a: i + 1 for i, a in enumerate(old)}
        new_depths = {a: i + 1 for i, a in enumerate(new)}
        stale.extend((a, pid) for a, depth in old_depths.items() if new_depths.get(a) != depth)
        fresh.extend((a, pid, depth) for a, depth in new_depths.items() if old_depths.get(a) != depth)
    for chunk in _chunks(stale):
        session.execute(
            delete(PersonAncestor).where(
                tuple_(PersonAncestor.ancestor_id, PersonAncestor.descendant_id).in_(chunk)
            )
        )
    if fresh and not stored:
        _fill_closure_in_database(session, max_depth=len(parents))  # first build: 10^5 rows, no round trips
    for chunk in _chunks(fresh if stored else []):
        session.execute(insert(table_of(PersonAncestor)),
                        [{"ancestor_id": a, "descendant_id": d, "depth": depth} for a, d, depth in chunk])
    _update_subtree_sizes(session, chains)
    return TreeReport(len(parents), sum(map(len, chains.values())), len(fresh), len(stale), detached)


def _chains(parents: dict[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Each person's managers, nearest first, for an acyclic manager map (cycles detached).
    A manager outside the map (inactive, unknown) makes the person a root."""
    chains: dict[int, tuple[int, ...]] = {}
    for pid in parents:
        path: list[int] = []
        cur: int = pid
        while cur not in chains:
            mid = parents[cur]
            if mid is None or mid == cur or mid not in parents:
                chains[cur] = ()
                break
            path.append(cur)
            cur = mid
        for below in reversed(path):
            boss = parents[below]
            assert boss is not None  # a person on the path has a manager in the map
            chains[below] = (boss, *chains[boss])
    return chains


def _stored_chains(session: AnySession) -> dict[int, tuple[int, ...] | dict[int, int]]:
    """The closure table per descendant: the chain of ancestors when the depths run 1, 2, …
    (always, when written by `rebuild_closure`), else {ancestor: depth}."""
    rows = bulk_read(session, select(PersonAncestor.descendant_id, PersonAncestor.ancestor_id, PersonAncestor.depth)
                     .order_by(PersonAncestor.descendant_id, PersonAncestor.depth))
    stored: dict[int, tuple[int, ...] | dict[int, int]] = {}
    for pid, group in groupby(rows, key=itemgetter(0)):
        pairs = [(anc, depth) for _pid, anc, depth in group]
        if all(depth == i + 1 for i, (_anc, depth) in enumerate(pairs)):
            stored[pid] = tuple(anc for anc, _depth in pairs)
        else:
            stored[pid] = dict(pairs)
    return stored


def _fill_closure_in_database(session: AnySession, max_depth: int) -> None:
    """Fill the empty closure table with one INSERT … SELECT over a recursive query.

    Gives the same rows as `compute_closure` once cycles are detached: active people,
    each linked to every active manager above them up to the first inactive one.
    `max_depth` bounds the recursion even if a cycle were committed meanwhile (the
    duplicate rows would then fail the primary key and the sync would roll back)."""
    person = table_of(Person)
    low, boss = person.alias("low"), person.alias("boss")
    up = (select(boss.c.id.label("ancestor_id"), low.c.id.label("descendant_id"), literal(1).label("depth"))
          .join_from(low, boss, boss.c.id == low.c.manager_id)
          .where(low.c.active.is_(True), boss.c.active.is_(True))
          .cte("up", recursive=True))
    mid, above = person.alias("mid"), person.alias("above")
    up = up.union_all(
        select(above.c.id, up.c.descendant_id, up.c.depth + 1)
        .join_from(up, mid, mid.c.id == up.c.ancestor_id)
        .join(above, above.c.id == mid.c.manager_id)
        .where(above.c.active.is_(True), up.c.depth < max_depth)
    )
    session.execute(insert(table_of(PersonAncestor)).from_select(
        ["ancestor_id", "descendant_id", "depth"], select(up.c.ancestor_id, up.c.descendant_id, up.c.depth)))


def _update_subtree_sizes(session: AnySession, chains: dict[int, tuple[int, ...]]) -> None:
    sizes: dict[int, int] = defaultdict(int)
    for chain in chains.values():
        for anc in chain:
            sizes[anc] += 1
    current = bulk_read(session, select(Person.id, Person.subtree_size)).all()
    changed = [{"pid": pid, "size": sizes.get(pid, 0)} for pid, size in current if (size or 0) != sizes.get(pid, 0)]
    if changed:
        person = table_of(Person)
        stmt = update(person).where(person.c.id == bindparam("pid")).values(
            subtree_size=bindparam("size")
        )
        session.execute(stmt, changed)


def rebuild_unit_paths(session: AnySession) -> None:
    """Recompute `Unit.path` and `Unit.level` from `Unit.parent_id`."""
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.path, Unit.level)).all()
    parent = {uid: pid for uid, pid, _p, _l in rows}
    memo: dict[int, str] = {}

    def path_of(uid: int, seen: frozenset = frozenset()) -> str:
        if uid in memo:
            return memo[uid]
        pid = parent.get(uid)
        if pid is None or pid in seen or pid not in parent:
            memo[uid] = f"/{uid}/"
        else:
            memo[uid] = f"{path_of(pid, seen | {uid})}{uid}/"
        return memo[uid]

    changed = []
    for uid, _pid, old_path, old_level in rows:
        new = path_of(uid)
        level = new.count("/") - 2
        if new != old_path or level != old_level:
            changed.append({"uid": uid, "path": new, "level": level})
    if changed:  # one Core executemany: an ORM update per unit re-checks every object in the session
        table = table_of(Unit)
        session.execute(update(table).where(table.c.id == bindparam("uid"))
                        .values(path=bindparam("path"), level=bindparam("level")), changed)


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# Who is below: the one answer for every package. Units by their path (`/1/5/9/`, kept by
# `rebuild_unit_paths`), people by the closure table (`PersonAncestor`, kept by `rebuild_closure`).

def units_below(unit_ids: Iterable[int]) -> Select:
    """A SELECT of the ids of the given units and every unit below them (for IN filters)."""
    ids = sorted({int(i) for i in unit_ids})
    if not ids:
        return select(Unit.id).where(false())
    top = select(Unit.path).where(Unit.id.in_(ids)).subquery()
    return select(Unit.id).join(top, Unit.path.startswith(top.c.path)).distinct()


def unit_ids_below(unit_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them, as a set."""
    return set(db.session.scalars(units_below(unit_ids)))


def people_below(manager_id: int) -> Select:
    """A SELECT of the ids of everyone below `manager_id` in the org chart (not the manager)."""
    return select(PersonAncestor.descendant_id).where(PersonAncestor.ancestor_id == manager_id)


def people_in_units_below(unit_ids: Iterable[int]) -> Select:
    """A SELECT of the ids of the people (active or not) in the given units or any unit below them."""
    return select(Person.id).where(Person.unit_id.in_(units_below(unit_ids)))
