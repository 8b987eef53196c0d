"""The org tree's closure for part of the tree: after an incremental sync, only the people
whose manager changed (or who arrived or came back) and everyone below them get new
`person_ancestor` rows, and only the managers above them, before and after, get a new
`subtree_size`. The full sync keeps `directory.tree.rebuild_closure`.

The rest of the tree is taken as stored: a manager outside the moved part keeps their
chain, so a moved person's chain is their new manager's stored chain plus that manager.
A cycle (which planning already breaks) makes it fall back to the whole rebuild.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update

from directory.tree import AnySession, TreeReport, _chunks, rebuild_closure
from models import Person, PersonAncestor
from models.base import table_of


def _below(session: AnySession, roots: set[int]) -> set[int]:
    """The active `roots` and every active person below them, by `manager_id` (not by the
    closure, which is what is being repaired: a person back from inactive has it empty)."""
    found: set[int] = set()
    frontier = sorted(roots)
    first = True
    while frontier:
        level: set[int] = set()
        column = Person.id if first else Person.manager_id
        for chunk in _chunks(frontier):
            level.update(session.scalars(select(Person.id).where(column.in_(chunk), Person.active.is_(True))))
        first = False
        frontier = sorted(level - found)
        found |= level
    return found


def _stored_depths(session: AnySession, column, ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """{descendant: {ancestor: depth}} for closure rows whose `column` is in `ids`."""
    out: dict[int, dict[int, int]] = {}
    for chunk in _chunks(sorted(ids)):
        for desc, anc, depth in session.execute(select(PersonAncestor.descendant_id, PersonAncestor.ancestor_id,
                                                       PersonAncestor.depth).where(column.in_(chunk))):
            out.setdefault(desc, {})[anc] = depth
    return out


def _new_chains(parents: dict[int, int | None], outside: dict[int, tuple[int, ...]]) -> dict[int, tuple] | None:
    """Each affected person's managers, nearest first; None if the managers loop.
    `outside`: (manager, *their stored chain) for the active managers outside the moved part."""
    chains: dict[int, tuple[int, ...]] = {}
    for pid in parents:
        path: list[int] = []
        on_path: set[int] = set()
        cur: int | None = pid
        while cur is not None and cur in parents and cur not in chains:
            if cur in on_path:
                return None
            on_path.add(cur)
            path.append(cur)
            cur = parents[cur]
        for node in reversed(path):
            boss = parents[node]
            if boss is None:
                chains[node] = ()
            elif boss in parents:
                chains[node] = (boss, *chains[boss])
            else:
                chains[node] = outside.get(boss, ())  # an inactive manager: the top of a tree
    return chains


def update_closure(session: AnySession, roots: set[int]) -> TreeReport:
    """Bring `person_ancestor` and `subtree_size` in line for `roots` and everyone below them."""
    affected = _below(session, roots)
    if not affected:
        return TreeReport()
    parents: dict[int, int | None] = {}
    for chunk in _chunks(sorted(affected)):
        parents.update((pid, mid) for pid, mid in session.execute(
            select(Person.id, Person.manager_id).where(Person.id.in_(chunk))))
    bosses = {m for m in parents.values() if m is not None and m not in parents}
    active: set[int] = set()
    for chunk in _chunks(sorted(bosses)):
        active.update(session.scalars(select(Person.id).where(Person.id.in_(chunk), Person.active.is_(True))))
    above = _stored_depths(session, PersonAncestor.descendant_id, active)
    outside = {b: (b, *sorted(above.get(b, {}), key=above.get(b, {}).__getitem__)) for b in active}
    chains = _new_chains(parents, outside)
    if chains is None:
        return rebuild_closure(session)
    old = _stored_depths(session, PersonAncestor.descendant_id, affected)
    stale: list[tuple[int, int]] = []
    fresh: list[dict] = []
    touched: set[int] = set()
    for pid, chain in chains.items():
        before, after = old.get(pid, {}), {a: i + 1 for i, a in enumerate(chain)}
        if before == after:
            continue
        touched.update(before, after)
        stale.extend((a, pid) for a, depth in before.items() if after.get(a) != depth)
        fresh.extend({"ancestor_id": a, "descendant_id": pid, "depth": depth}
                     for a, depth in after.items() if before.get(a) != depth)
    for chunk in _chunks(stale):
        session.execute(delete(PersonAncestor).where(
            tuple_(PersonAncestor.ancestor_id, PersonAncestor.descendant_id).in_(chunk)))
    for chunk in _chunks(fresh):
        session.execute(insert(table_of(PersonAncestor)), chunk)
    _recount(session, touched)
    return TreeReport(len(affected), sum(map(len, chains.values())), len(fresh), len(stale))


def _recount(session: AnySession, managers: set[int]) -> None:
    """`subtree_size` of `managers` counted again from the closure table."""
    changed = []
    for chunk in _chunks(sorted(managers)):
        sizes: dict[int, int] = {anc: n for anc, n in session.execute(
            select(PersonAncestor.ancestor_id, func.count()).where(PersonAncestor.ancestor_id.in_(chunk))
            .group_by(PersonAncestor.ancestor_id))}
        for pid, size in session.execute(select(Person.id, Person.subtree_size).where(Person.id.in_(chunk))):
            if (size or 0) != sizes.get(pid, 0):
                changed.append({"pid": pid, "size": sizes.get(pid, 0)})
    if changed:
        person = table_of(Person)
        session.execute(update(person).where(person.c.id == bindparam("pid")).values(subtree_size=bindparam("size")),
                        changed)
