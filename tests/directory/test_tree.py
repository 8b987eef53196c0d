"""The closure table: subtrees, cycles, self-managers and incremental rebuilds."""
from __future__ import annotations

from sqlalchemy import select

from directory.tree import compute_closure, rebuild_closure
from extensions import db
from models import Person, PersonAncestor


def closure_rows():
    return set(db.session.execute(
        select(PersonAncestor.ancestor_id, PersonAncestor.descendant_id, PersonAncestor.depth)
    ).all())


def test_compute_closure_of_a_chain():
    closure, cycles = compute_closure({1: None, 2: 1, 3: 2, 4: 2})
    assert closure == {(1, 2): 1, (1, 3): 2, (2, 3): 1, (1, 4): 2, (2, 4): 1}
    assert cycles == []


def test_cycle_is_reported_and_never_loops():
    closure, cycles = compute_closure({1: None, 2: 3, 3: 2, 4: 3})
    assert cycles == [2, 3, 4]
    assert closure == {}


def test_rebuild_detaches_cycles_and_self_managers(app, make_person):
    a = make_person("a")
    b = make_person("b", manager=a)
    c = make_person("c")
    d = make_person("d", manager=c)
    c.manager_id = d.id  # c <-> d
    e = make_person("e")
    e.manager_id = e.id  # self-manager
    db.session.flush()
    report = rebuild_closure(db.session)
    assert set(report.cycles) == {c.id, d.id, e.id}
    db.session.expire_all()
    assert all(p.manager_unknown for p in (c, d, e))
    assert (a.id, b.id, 1) in closure_rows()
    assert a.subtree_size == 1 and b.subtree_size == 0


def test_rebuild_is_incremental(app, make_person):
    top = make_person("top")
    mid = make_person("mid", manager=top)
    low = make_person("low", manager=mid)
    other = make_person("other", manager=top)
    first = rebuild_closure(db.session)
    assert first.inserted == 4 and first.deleted == 0
    again = rebuild_closure(db.session)
    assert again.inserted == 0 and again.deleted == 0
    low.manager_id = other.id  # a move
    db.session.flush()
    moved = rebuild_closure(db.session)
    assert moved.deleted == 1 and moved.inserted == 1  # (mid, low) out, (other, low) in
    assert closure_rows() == {(top.id, mid.id, 1), (top.id, other.id, 1), (top.id, low.id, 2), (other.id, low.id, 1)}
    db.session.expire_all()
    assert (mid.subtree_size, other.subtree_size, top.subtree_size) == (0, 1, 3)


def test_inactive_people_leave_the_tree(app, make_person):
    top = make_person("top")
    mid = make_person("mid", manager=top)
    low = make_person("low", manager=mid)
    rebuild_closure(db.session)
    mid.active = False
    db.session.flush()
    rebuild_closure(db.session)
    rows = closure_rows()
    assert all(mid.id not in (a, d) for a, d, _ in rows)
    assert db.session.get(Person, low.id).manager_id == mid.id  # history kept; low is a root now
