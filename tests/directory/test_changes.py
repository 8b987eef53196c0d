"""The incremental sync (`directory sync --changes`) against the real test slapd."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

import signals
from directory.changes import run_changes
from directory.sync import run_sync
from extensions import db
from models import DirectorySyncRun, Person
from tests.directory.test_sync import HSF, count, person, small_org

NOW = datetime(2024, 9, 2, 2, 45, tzinfo=timezone.utc)


def server_marks(tree) -> list[str]:
    """modifyTimestamp of every person in this tree, as slapd itself reports it."""
    conn = tree.connection()
    assert conn.search(tree.base, "(objectClass=inetOrgPerson)", attributes=["modifyTimestamp"])
    marks = [str(e["raw_attributes"]["modifyTimestamp"][0], "ascii") for e in conn.response
             if e["type"] == "searchResEntry"]
    conn.unbind()
    return marks


class Synced:
    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)


def test_first_run_reads_everyone_and_takes_the_mark_from_the_server(app, tree):
    small_org(tree)
    result = run_changes(NOW)  # the app's clock says 2024; the mark is the directory's own
    assert result.ok, result.message
    assert result.created == 4 and count(Person) == 4
    assert result.high_water == max(server_marks(tree)) and not result.high_water.startswith("2024")
    run = db.session.get(DirectorySyncRun, result.run_id)
    assert run.trigger == "changes" and run.counts["high_water"] == result.high_water
    assert person("ann").manager.username == "lead"


def test_a_modified_entry_moves_and_is_renamed_and_a_new_starter_arrives(app, tree):
    small_org(tree)
    tree.add(tree.entry("boss2", top="Regionservice"))
    run_sync(NOW)
    first = run_changes(NOW)
    ann_id, ben_before = person("ann").id, person("ben").updated_at
    tree.modify("ann", title="Undersköterska", manager=tree.dns["boss2"], ou="Regionservice",
                departmentNumber="IT-avdelningen")
    tree.add(tree.entry("nya", given="Nora", sn="Nyström", manager="lead", top=HSF, unit="Akutkliniken"))
    synced = Synced()
    signals.directory_synced.connect(synced)
    try:
        result = run_changes(NOW + timedelta(minutes=15))
    finally:
        signals.directory_synced.disconnect(synced)
    assert result.ok, result.message
    assert result.created == 1 and result.moved == 1 and result.updated == 1
    db.session.expire_all()
    ann = person("ann")
    assert ann.id == ann_id and ann.title == "Undersköterska"
    assert ann.manager.username == "boss2" and ann.unit.key == "Regionservice/IT-avdelningen"
    nya = person("nya")
    assert nya.manager.username == "lead" and nya.unit.key == f"{HSF}/Akutkliniken" and nya.active
    assert person("ben").updated_at == ben_before  # not read, not written
    assert person("lead").subtree_size == 2 and person("boss2").subtree_size == 1
    assert [c["changed_person_ids"] for c in synced.calls] == [{ann_id, nya.id}]
    assert result.high_water >= first.high_water and result.high_water == max(server_marks(tree))


def test_nothing_changed_writes_nothing(app, tree):
    small_org(tree)
    run_changes(NOW)
    before = {p.id: (p.updated_at, p.manager_id, p.unit_id) for p in db.session.scalars(select(Person))}
    synced = Synced()
    signals.directory_synced.connect(synced)
    try:
        result = run_changes(NOW + timedelta(minutes=15))
    finally:
        signals.directory_synced.disconnect(synced)
    assert result.ok, result.message
    assert (result.created, result.updated, result.moved, result.reactivated) == (0, 0, 0, 0)
    db.session.expire_all()
    assert {p.id: (p.updated_at, p.manager_id, p.unit_id) for p in db.session.scalars(select(Person))} == before
    assert [c["changed_person_ids"] for c in synced.calls] == [set()]


def test_deleted_entries_are_left_to_the_full_sync(app, tree):
    small_org(tree)
    run_changes(NOW)
    tree.delete("ben")
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.missing == 0 and result.deactivated == 0
    assert person("ben").active and person("ben").missing_since is None


def test_cli_changes_json(app, tree):
    small_org(tree)
    out = app.test_cli_runner().invoke(args=["directory", "sync", "--changes", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["ok"] and data["created"] == 4 and data["high_water"] == max(server_marks(tree))
    bad = app.test_cli_runner().invoke(args=["directory", "sync", "--changes", "--dry-run"])
    assert bad.exit_code != 0 and "--changes cannot be combined" in bad.output
