"""Missed runs, "run now" requests and the lease check before each run."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from extensions import db
from jobs.registry import Job
from jobs.runner import LeasedScheduler, holds_lease, request_run, run_job, take_request, try_acquire_lease
from jobs.schedule import missed_run, next_run
from models import AuditEvent, JobRun, utcnow

STHLM = ZoneInfo("Europe/Stockholm")
DAILY = Job("test.daily", lambda now: "ok", "cron", {"hour": 9, "minute": 0}, "test")
EVERY_MINUTE = Job("test.poll", lambda now: "ok", "interval", {"seconds": 60}, "test")


def at(day: int, hour: int, minute: int = 0, second: float = 0) -> datetime:
    return datetime(2024, 10, day, hour, minute, tzinfo=STHLM) + timedelta(seconds=second)


def test_a_missed_daily_run_is_seen_once_however_long_the_outage():
    last = at(1, 9, second=0.2)
    assert not missed_run(DAILY, last, at(1, 15), STHLM)
    assert not missed_run(DAILY, last, at(2, 8, 59), STHLM)
    assert missed_run(DAILY, last, at(2, 9, 30), STHLM)
    assert missed_run(DAILY, last, at(5, 10), STHLM)  # three days missed: still one catch-up


def test_a_run_exactly_on_time_covers_its_slot():
    assert not missed_run(DAILY, at(1, 9), at(1, 9, 0, 40), STHLM)


def test_never_run_and_interval_jobs_are_not_caught_up():
    assert not missed_run(DAILY, None, at(5, 10), STHLM)
    assert not missed_run(EVERY_MINUTE, at(1, 9), at(5, 10), STHLM)


def test_next_run_is_in_local_time():
    assert next_run(DAILY, at(1, 10), STHLM) == at(2, 9)


def test_run_now_request_is_taken_once_and_filled_in(app):
    assert request_run("auth.prune_login_attempts", utcnow())
    assert not request_run("auth.prune_login_attempts", utcnow())  # one waiting request is enough
    db.session.commit()
    run_id = take_request("auth.prune_login_attempts")
    assert run_id is not None and take_request("auth.prune_login_attempts") is None
    run_job(Job("auth.prune_login_attempts", lambda now: "pruned", "cron", {"hour": 3}, "x"), run_id=run_id)
    (run,) = db.session.scalars(select(JobRun)).all()
    assert (run.id, run.outcome, run.message) == (run_id, "ok", "pruned")


def test_scheduler_without_the_lease_runs_nothing(app):
    ran = []
    job = Job("test.record", lambda now: ran.append(now), "interval", {"seconds": 3600}, "test")
    assert try_acquire_lease("someone-else", utcnow(), 90)
    leased = LeasedScheduler(app, BackgroundScheduler())
    leased.jobs = {job.id: job}
    leased.setup()
    assert not leased.has_lease
    leased._runner(job)()
    assert ran == [] and not holds_lease(leased.holder, utcnow())


def test_scheduler_that_lost_its_lease_stops_before_the_next_run(app):
    ran = []
    job = Job("test.record", lambda now: ran.append(now), "interval", {"seconds": 3600}, "test")
    leased = LeasedScheduler(app, BackgroundScheduler())
    leased.jobs = {job.id: job}
    leased.setup()
    assert leased.has_lease
    leased._runner(job)()
    assert len(ran) == 1
    # Paused for longer than the lease: another process took over meanwhile.
    assert try_acquire_lease("other", utcnow() + timedelta(seconds=leased.lease_seconds + 1))
    leased._runner(job)()
    assert len(ran) == 1 and not leased.has_lease


def test_admin_presses_run_now(client, auth, org):
    auth.login("admin")
    response = client.post("/admin/jobs/outbox.send/run", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "inom en halv minut" in body and "Väntar på schemaläggaren" in body
    assert db.session.scalar(select(JobRun.outcome).where(JobRun.job == "outbox.send")) == "requested"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "job.run_now"))
    assert client.post("/admin/jobs/no.such.job/run").status_code == 404
    auth.logout()
    auth.login("boss")
    assert client.post("/admin/jobs/outbox.send/run").status_code == 403
