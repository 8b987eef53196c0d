"""The incremental sync updates the org tree only below the people it moves, and leaves it as
the full rebuild would (directory/tree_update.py)."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update

from directory.changes import run_changes
from directory.sync import run_sync
from directory.tree import rebuild_closure
from extensions import db
from models import Person, PersonAncestor
from tests.directory.test_changes import NOW, server_marks
from tests.directory.test_sync import HSF, person


def tree_state() -> tuple[set, dict]:
    db.session.expire_all()
    rows = set(db.session.execute(select(PersonAncestor.ancestor_id, PersonAncestor.descendant_id,
                                         PersonAncestor.depth)).all())
    sizes = dict(db.session.execute(select(Person.username, Person.subtree_size)).all())
    return rows, sizes


def assert_same_as_a_full_rebuild() -> None:
    before = tree_state()
    report = rebuild_closure(db.session)
    db.session.commit()
    assert (report.inserted, report.deleted, report.cycles) == (0, 0, [])
    assert tree_state() == before


def two_sections(tree) -> None:
    tree.add(tree.entry("chef", top=HSF),
             tree.entry("lead1", manager="chef", top=HSF, unit="Akutkliniken"),
             tree.entry("lead2", manager="chef", top=HSF, unit="Medicinkliniken"))
    tree.add(*[tree.entry(uid, manager="lead1", top=HSF, unit="Akutkliniken") for uid in ("a", "b", "c")],
             tree.entry("d", manager="lead2", top=HSF, unit="Medicinkliniken"))
    tree.add(tree.entry("a1", manager="a", top=HSF, unit="Akutkliniken"))


def next_second(tree) -> None:
    """Touch the person "tick" until slapd stamps it a second later than everyone else, and take
    the mark there: the next incremental run then reads only what changes from now on."""
    first = max(server_marks(tree))
    deadline = time.monotonic() + 5
    while max(server_marks(tree)) == first:
        assert time.monotonic() < deadline, "slapd's clock did not move"
        tree.modify("tick", title=str(time.monotonic()))
        time.sleep(0.05)
    assert run_changes(NOW + timedelta(minutes=5)).ok


def test_a_section_moving_under_another_chief_takes_its_people_along(app, tree):
    two_sections(tree)
    tree.add(tree.entry("tick", top=HSF))
    assert run_sync(NOW).ok and run_changes(NOW).ok
    next_second(tree)
    tree.modify("lead1", manager=tree.dns["lead2"])  # the whole section moves, its people unread
    tree.modify("d", manager=tree.dns["lead1"])
    tree.add(tree.entry("nya", manager="a1", top=HSF, unit="Akutkliniken"))
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.seen == 4 and result.moved == 2 and result.created == 1
    db.session.expire_all()
    chain = [p.username for p in db.session.scalars(
        select(Person).join(PersonAncestor, PersonAncestor.ancestor_id == Person.id)
        .where(PersonAncestor.descendant_id == person("nya").id).order_by(PersonAncestor.depth))]
    assert chain == ["a1", "a", "lead1", "lead2", "chef"]
    sizes = tree_state()[1]
    assert (sizes["chef"], sizes["lead2"], sizes["lead1"], sizes["a"]) == (8, 7, 6, 2)
    assert_same_as_a_full_rebuild()


def test_a_loop_through_unchanged_people_is_broken_at_the_changed_person(app, tree):
    two_sections(tree)
    tree.add(tree.entry("tick", top=HSF))
    assert run_sync(NOW).ok and run_changes(NOW).ok
    next_second(tree)
    tree.modify("lead1", manager=tree.dns["a1"])  # a1 is below lead1: lead1 > a > a1 > lead1
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.seen == 2 and result.problems["cycles"] == [["lead1"]]
    db.session.expire_all()
    lead1 = person("lead1")
    assert lead1.manager_id is None and lead1.manager_unknown
    assert tree_state()[1]["chef"] == 2 and tree_state()[1]["lead1"] == 4
    assert_same_as_a_full_rebuild()


def test_a_returning_manager_gets_their_people_back(app, tree):
    two_sections(tree)
    assert run_sync(NOW).ok and run_changes(NOW).ok
    db.session.execute(update(Person).where(Person.username == "lead1").values(active=False))
    rebuild_closure(db.session)  # as after the nightly sync deactivated lead1
    db.session.commit()
    assert tree_state()[1]["chef"] == 2
    tree.modify("lead1", title="Sektionschef")
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.reactivated == 1
    assert tree_state()[1]["chef"] == 7 and tree_state()[1]["lead1"] == 4
    assert_same_as_a_full_rebuild()
