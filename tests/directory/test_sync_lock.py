"""One directory sync at a time (the sync lease), and quiet incremental runs folded into one row."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import insert, select

from directory import tasks
from directory.changes import last_mark, run_changes
from directory.runs import EXIT_BUSY, LEASE, LEASE_SECONDS
from directory.sync import run_sync
from extensions import db
from models import DirectorySyncRun, Person, SchedulerLease, utcnow
from tests.directory.test_changes import server_marks
from tests.directory.test_sync import count, person, small_org

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 9, 2, 2, 30, tzinfo=timezone.utc)


def cli_sync(app, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`flask --app app directory sync …` in its own process, on the test's database and directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDAP_")}
    env.update({k: str(int(v) if isinstance(v, bool) else v) for k, v in app.config.items() if k.startswith("LDAP_")
                and v is not None})
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], VAKSAM_INSTANCE=str(tmp_path / "instance"),
               SECRET_KEY="test-secret", LOG_LEVEL="WARNING", DEMO_MODE="0")
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", "directory", "sync", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def runs() -> list[DirectorySyncRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(DirectorySyncRun).order_by(DirectorySyncRun.id)))


def test_an_incremental_sync_started_during_a_full_sync_skips_and_says_so(app, tree, tmp_path):
    small_org(tree)
    tree.add_many(450, manager="lead")  # three pages of 200: the second run starts while the first reads
    seen: list[subprocess.CompletedProcess] = []

    def during_the_read(pages: int, entries: int) -> None:
        if pages == 1:
            seen.append(cli_sync(app, tmp_path, "--changes", "--json"))

    result = run_sync(NOW, on_page=during_the_read)
    assert result.ok, result.message
    [other] = seen
    assert other.returncode == EXIT_BUSY, other.stderr
    assert "Incremental sync not started" in other.stderr and "another directory sync is running" in other.stderr
    assert [(r.trigger, r.outcome) for r in runs()] == [("cli", "ok")]  # the skipped run left no row
    assert count(Person) == 454
    after = cli_sync(app, tmp_path, "--changes")  # the lease was given back at the end
    assert after.returncode == 0, after.stderr
    assert [(r.trigger, r.outcome) for r in runs()] == [("cli", "ok"), ("changes", "ok")]


def test_a_full_sync_started_during_another_full_sync_skips(app, tree, tmp_path):
    small_org(tree)
    seen: list[subprocess.CompletedProcess] = []
    result = run_sync(NOW, on_page=lambda pages, entries: seen.append(cli_sync(app, tmp_path, "--json")))
    assert result.ok and len(seen) == 1
    assert seen[0].returncode == EXIT_BUSY and "Sync not started" in seen[0].stderr
    assert [r.trigger for r in runs()] == ["cli"]


def _lease_held_by(holder: str, minutes: int = 10) -> None:
    db.session.execute(insert(SchedulerLease).values(name=LEASE, holder=holder,
                                                     expires_at=utcnow() + timedelta(minutes=minutes)))
    db.session.commit()


def test_a_crashed_holders_lease_runs_out(app, tree):
    small_org(tree)
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc), tick=False):
        _lease_held_by("another-host:4242:dead", minutes=LEASE_SECONDS // 60)
        busy = run_changes(NOW)
        assert busy.busy and not busy.ok and "another-host:4242:dead" in busy.message
        assert count(Person) == 0 and runs() == []
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc) + timedelta(seconds=LEASE_SECONDS + 1),
                             tick=False):
        result = run_changes(NOW)
    assert result.ok and result.created == 4


def test_the_lease_is_given_back_whatever_the_clocks_say(app, tree):
    small_org(tree)
    with time_machine.travel(datetime(2031, 1, 1, tzinfo=timezone.utc), tick=False):
        assert run_changes(NOW).ok
    assert db.session.scalars(select(SchedulerLease).where(SchedulerLease.name == LEASE)).all() == []
    assert run_changes(NOW).ok  # this clock is years behind the one that gave the lease back


def test_a_dead_process_on_this_machine_loses_its_lease_at_once(app, tree):
    small_org(tree)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _lease_held_by(f"{socket.gethostname()}:{gone.stdout.strip()}:crashed")
    result = run_sync(NOW)
    assert result.ok and result.created == 4


def test_an_admin_request_waits_while_another_sync_runs(app, tree):
    small_org(tree)
    db.session.add(DirectorySyncRun(started_at=NOW, outcome="requested", trigger="admin"))
    db.session.commit()
    _lease_held_by("another-host:1:running")
    assert "waits" in tasks.requested(NOW)
    assert [r.outcome for r in runs()] == ["requested"] and count(Person) == 0
    db.session.execute(SchedulerLease.__table__.delete())
    db.session.commit()
    assert "ok" in tasks.requested(NOW)
    assert [r.outcome for r in runs()] == ["ok"] and count(Person) == 4


def test_an_incremental_job_skips_quietly_while_the_nightly_sync_runs(app, tree):
    small_org(tree)
    _lease_held_by("another-host:1:nightly")
    assert tasks.changes(NOW).startswith("Skipped: another directory sync is running")
    assert runs() == []


def test_quiet_incremental_runs_share_one_row_and_keep_the_mark(app, tree):
    small_org(tree)
    first = run_changes(NOW)  # creates everyone: a row of its own
    quiet = [run_changes(NOW + timedelta(minutes=15 * i)) for i in (1, 2, 3)]
    assert all(r.ok and r.created == r.updated == r.moved == 0 for r in quiet)
    rows = runs()
    assert len(rows) == 2 and rows[0].id == first.run_id and rows[0].counts["created"] == 4
    folded = rows[1]
    assert {r.run_id for r in quiet} == {folded.id}
    assert folded.counts["checks"] == 3 and folded.counts["high_water"] == quiet[-1].high_water == last_mark()
    tree.modify("ann", title="Undersköterska")
    changed = run_changes(NOW + timedelta(hours=2))
    assert changed.ok and changed.updated == 1 and changed.run_id not in {first.run_id, folded.id}
    assert person("ann").title == "Undersköterska" and last_mark() == max(server_marks(tree))
    again = run_changes(NOW + timedelta(hours=3))  # quiet, but after a run that changed someone: a new row
    assert again.run_id not in {r.id for r in rows} | {changed.run_id}
    assert "checks" not in runs()[-1].counts


def test_the_admin_list_shows_how_often_nothing_changed(app, tree, make_person, auth, client):
    small_org(tree)
    make_person("root", roles=("admin",))
    db.session.commit()
    for i in range(3):
        run_changes(NOW + timedelta(minutes=15 * i))
    auth.login("root")
    page = client.get("/admin/directory/")
    assert page.status_code == 200
    assert "2 kontroller utan ändringar" in page.get_data(as_text=True)


def test_a_nightly_sync_that_cannot_get_the_lease_in_time_fails_visibly(app, tree, monkeypatch):
    small_org(tree)
    _lease_held_by("another-host:1:stuck")
    monkeypatch.setattr(tasks, "NIGHTLY_WAIT_SECONDS", 0)
    with pytest.raises(RuntimeError, match="another directory sync is running"):
        tasks.nightly(NOW)
    assert runs() == [] and count(Person) == 0
