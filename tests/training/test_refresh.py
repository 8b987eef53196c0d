"""The status cache: it agrees with the status rule, writes refresh only the people they
touched, the scheduler does the rest, and no web request ever recomputes it."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import create_engine, select, text, update

from extensions import db
from models import PersonStatus, RefreshQueue, TeamSummary, TrainingRefresh, UnitSummary
from tests.training.conftest import local
from training import facts, freshness, operations, refresh
from training.status import COMPLETED, IN_PROGRESS, OVERDUE

NOW = local(2025, 1, 15)


def summary(requirement, manager, kind="all", unit_id=0):
    return db.session.get(TeamSummary, dict(requirement_id=requirement.id, manager_id=manager.id,
                                            kind=kind, unit_id=unit_id))


def cached(requirement):
    return {r.person_id: r for r in db.session.scalars(
        select(PersonStatus).where(PersonStatus.requirement_id == requirement.id).execution_options(
            populate_existing=True))}


def stamp(requirement) -> TrainingRefresh:
    return db.session.get(TrainingRefresh, requirement.id, populate_existing=True)


def counts() -> dict:
    """Every non-empty count of the cache: per manager, and per unit (for the region page)."""
    found = {(s.manager_id, s.kind, s.unit_id): (s.required, s.completed, s.in_progress, s.overdue, s.exempt)
             for s in db.session.scalars(select(TeamSummary).execution_options(populate_existing=True))
             if s.required}
    found.update({("unit", s.kind, s.unit_id): (s.required, s.completed, s.in_progress, s.overdue, s.exempt)
                  for s in db.session.scalars(select(UnitSummary).execution_options(populate_existing=True))
                  if s.required})
    return found


def unit_summary(requirement, kind, unit_id):
    return db.session.get(UnitSummary, dict(requirement_id=requirement.id, kind=kind, unit_id=unit_id),
                          populate_existing=True)


def test_cache_matches_the_rule_and_counts_roll_up(org, course, complete):
    req = course["requirement"]
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    complete(org["ben"], course["v2023"], local(2023, 10, 1))  # stopped counting on 30 Nov 2024
    complete(org["lead"], course["v2024"], state="in_progress")
    refresh.refresh(req, NOW)
    db.session.commit()
    rows = cached(req)
    expected = facts.statuses(req, NOW)
    assert {pid: r.state for pid, r in rows.items()} == {pid: s.state for pid, s in expected.items()}
    assert rows[org["ann"].id].state == COMPLETED and rows[org["ben"].id].state == OVERDUE
    boss_all = summary(req, org["boss"])
    assert (boss_all.required, boss_all.completed, boss_all.overdue) == (3, 1, 2)
    assert summary(req, org["boss"], "direct").required == 1  # lead
    # top's people split by the sub-units of top's unit (HSF): Akut and HSF itself.
    akut, hsf = org["boss"].unit_id, org["top"].unit_id
    assert summary(req, org["top"], "unit", akut).required == 4
    assert summary(req, org["top"], "unit", hsf).required == 2
    # Per unit: Akut holds boss, lead, ann, ben; HSF itself top, otherboss, carl (+ Akut below it);
    # admin and comms have no unit; the region (unit 0) is everyone.
    assert unit_summary(req, "own", akut).required == 4 and unit_summary(req, "subtree", akut).required == 4
    assert unit_summary(req, "own", hsf).required == 3
    assert (unit_summary(req, "subtree", hsf).required, unit_summary(req, "subtree", hsf).completed) == (7, 1)
    assert unit_summary(req, "own", 0).required == 2 and unit_summary(req, "subtree", 0).required == 9


def test_the_scheduled_refresh_rolls_the_day_over(org, course):
    req = course["requirement"]
    assert freshness.run_pending(local(2024, 11, 30, 18)).startswith(f"requirement {req.id} recomputed")
    assert cached(req)[org["ann"].id].state == "not_started"
    assert freshness.run_pending(local(2024, 11, 30, 19)) == ""  # nothing to do: nothing logged
    freshness.run_pending(local(2024, 12, 1, 0, 1))
    assert cached(req)[org["ann"].id].state == OVERDUE
    assert stamp(req).computed_for.isoformat() == "2024-12-01"


def test_the_scheduler_runs_the_refresh_every_15_seconds_and_at_midnight(app):
    from jobs.registry import all_jobs

    jobs = {job.id: job for job in all_jobs(app)}
    assert jobs["training.refresh"].trigger_args == {"seconds": 15}
    assert jobs["training.refresh_midnight"].trigger_args["hour"] == 0


#: Every GET that shows or exports cached numbers.
READS = [("boss", "/training/team"), ("boss", "/training/team?state=all&sort=name"),
         ("boss", "/training/team/export.csv"), ("boss", "/training/team/export.xlsx"),
         ("boss", "/api/v1/training/team"), ("ann", "/training/mine"), ("boss", "/training/people/{ann}"),
         ("admin", "/admin/training/region"), ("admin", "/admin/training/region?unit_scope={akut}"),
         ("admin", "/admin/training/region/export.csv"), ("admin", "/admin/training/report")]


def test_no_request_recomputes_the_cache_after_the_day_rollover(client, auth, org, course, complete):
    """The first visitors after midnight see yesterday's figures with their date, at once."""
    req = course["requirement"]
    freshness.run_pending(NOW)
    yesterday = (NOW - timedelta(days=1))
    db.session.execute(update(TrainingRefresh).values(computed_for=yesterday.date(), computed_at=yesterday))
    complete(org["ben"], course["v2024"], NOW - timedelta(hours=1))  # a change only a recompute would show
    db.session.commit()
    before = {pid: r.state for pid, r in cached(req).items()}
    with time_machine.travel(NOW, tick=False):
        for user, path in READS:
            auth.login(user)
            response = client.get(path.format(ann=org["ann"].id, akut=org["boss"].unit_id))
            assert response.status_code == 200, path
            auth.logout()
        auth.login("boss")
        page = client.get("/training/team").get_data(as_text=True)
    assert "Uppdaterad" in page and "en uppdatering pågår" in page
    assert stamp(req).computed_for == yesterday.date() and stamp(req).computed_at == yesterday
    assert {pid: r.state for pid, r in cached(req).items()} == before
    freshness.run_pending(NOW)  # the scheduler's next run
    assert stamp(req).computed_for == NOW.date() and cached(req)[org["ben"].id].state == COMPLETED


def test_a_requirement_change_is_left_to_the_scheduler(client, auth, org, course):
    req = course["requirement"]
    freshness.run_pending(NOW)
    operations.ensure_requirement(course["course"], operations.RequirementSpec(
        name=req.name, due_on=NOW.date() + timedelta(days=60), current_version_id=course["v2024"].id))
    db.session.commit()
    assert stamp(req).dirty
    auth.login("boss")
    with time_machine.travel(NOW, tick=False):
        assert "en uppdatering pågår" in client.get("/training/team").get_data(as_text=True)
    assert stamp(req).dirty and cached(req)[org["ann"].id].state == OVERDUE
    freshness.run_pending(NOW)
    assert not stamp(req).dirty and cached(req)[org["ann"].id].state == "not_started"


def test_an_exemption_refreshes_that_person_at_once_without_a_recompute(client, auth, org, course):
    req = course["requirement"]
    freshness.run_pending(NOW)
    computed_at = stamp(req).computed_at
    auth.login("boss")
    with time_machine.travel(NOW, tick=False):
        response = client.post(f"/training/people/{org['ben'].id}/exemptions", data={
            "reason": "Föräldraledig", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "course": "0"})
    assert response.status_code == 302
    assert cached(req)[org["ben"].id].state == "exempt" and summary(req, org["boss"]).exempt == 1
    assert stamp(req).computed_at == computed_at and not stamp(req).dirty


def test_an_import_refreshes_the_imported_people_only(org, course, runner, tmp_path):
    req = course["requirement"]
    freshness.run_pending(NOW)
    computed_at = stamp(req).computed_at
    path = tmp_path / "rapport.csv"
    path.write_text("Användarnamn;Kurs;Status;Slutförd\r\nann;Säkert Beteende 2024;Godkänd;2024-10-01\r\n"
                    "carl;Säkert Beteende 2024;Godkänd;2025-01-02\r\n", encoding="utf-8")
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["training", "import", str(path)])
    assert result.exit_code == 0, result.output
    rows = cached(req)
    assert rows[org["ann"].id].state == COMPLETED and rows[org["carl"].id].state == COMPLETED
    assert stamp(req).computed_at == computed_at  # no full recompute
    incremental = counts()
    refresh.refresh(req, NOW)
    db.session.commit()
    assert counts() == incremental


def test_batch_refreshes_pause_the_collector_and_resume_it(org, course, runner, tmp_path):
    """The scheduler's refresh job and the import command recompute with Python's cyclic
    collector paused (jobs/batch.py: full collections were a third of a recompute's CPU), and
    turn it back on afterwards; seen from the statements that write the cache."""
    import gc

    from sqlalchemy import event

    from training import tasks

    writes: list[bool] = []

    def record(conn, cursor, statement, *args):
        if "training_status" in statement and not statement.lstrip().upper().startswith("SELECT"):
            writes.append(gc.isenabled())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert tasks.refresh_cache(NOW).startswith("requirement")
        assert writes and not any(writes) and gc.isenabled()
        writes.clear()
        path = tmp_path / "rapport.csv"
        path.write_text("Användarnamn;Kurs;Status;Slutförd\r\nann;Säkert Beteende 2024;Godkänd;2024-10-01\r\n",
                        encoding="utf-8")
        with time_machine.travel(NOW, tick=False):
            result = runner.invoke(args=["training", "import", str(path)])
        assert result.exit_code == 0, result.output
        assert cached(course["requirement"])[org["ann"].id].state == COMPLETED
        assert writes and not any(writes) and gc.isenabled()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_refresh_people_gives_the_same_counts_as_a_full_refresh(org, course, complete):
    req = course["requirement"]
    freshness.run_pending(NOW)
    complete(org["ann"], course["v2024"], local(2025, 1, 10))
    complete(org["carl"], course["v2024"], state=IN_PROGRESS)
    org["ben"].active = False
    org["admin"].unit_id = org["boss"].unit_id  # placed in Akut: moves between units' counts
    db.session.commit()
    assert freshness.people_changed([org["ann"].id, org["carl"].id, org["ben"].id, org["admin"].id], NOW)
    assert unit_summary(req, "own", 0).required == 1 and unit_summary(req, "subtree", org["top"].unit_id).required == 7
    incremental = counts()
    refresh.refresh(req, NOW)
    db.session.commit()
    assert counts() == incremental
    assert summary(req, org["boss"]).completed == 1 and summary(req, org["boss"]).required == 2


def _other_connection():
    return create_engine(db.engine.url.render_as_string(hide_password=False)).connect()


def test_a_busy_requirement_queues_the_people_for_the_scheduler(org, course, complete, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: a write waits for the lock instead")
    req = course["requirement"]
    freshness.run_pending(NOW)
    complete(org["ann"], course["v2024"], local(2025, 1, 10))
    db.session.commit()
    with _other_connection() as other:  # another process recomputing the requirement
        other.execute(text("SELECT pg_advisory_lock(:c, :r)"), {"c": freshness.LOCK_CLASS, "r": req.id})
        assert freshness.people_changed([org["ann"].id], NOW) is False
        assert freshness.state(req, NOW).pending
        assert freshness.run_pending(NOW) == ""  # still busy: the queue waits
        other.execute(text("SELECT pg_advisory_unlock(:c, :r)"), {"c": freshness.LOCK_CLASS, "r": req.id})
    assert freshness.run_pending(NOW) == "1 queued people refreshed"
    assert cached(req)[org["ann"].id].state == COMPLETED
    assert db.session.scalar(select(RefreshQueue.id)) is None and not freshness.state(req, NOW).pending


def test_concurrent_refreshes_recompute_once_and_never_collide(app, org, course, complete, caplog):
    """Four processes' worth of threads find the cache stale at once (as four web workers did)."""
    req = course["requirement"]
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    start, results, errors = threading.Barrier(4), [], []
    people = [org["ann"].id, org["ben"].id]  # read here: the threads have sessions of their own

    def worker(i: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                if i % 2:
                    results.append(freshness.run_pending(NOW))
                else:
                    results.append(freshness.people_changed(people, NOW))
            except Exception as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and len(results) == 4
    assert "UniqueViolation" not in caplog.text and "IntegrityError" not in caplog.text
    # At most one recomputes; a thread that finds the requirement busy leaves it (or queues its
    # people) for the scheduler's next run instead of waiting or colliding.
    assert sum(1 for r in results if isinstance(r, str) and "recomputed" in r) <= 1
    freshness.run_pending(NOW)  # the next scheduled run
    assert not freshness.state(req, NOW).pending
    assert cached(req)[people[0]].state == COMPLETED
    incremental = counts()
    refresh.refresh(req, NOW)
    db.session.commit()
    assert counts() == incremental
