"""The scheduler lease and the job run log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from extensions import db
from jobs.registry import Job, all_jobs
from jobs.runner import release_lease, run_job, try_acquire_lease
from models import JobRun

NOW = datetime(2024, 10, 1, 9, 0, tzinfo=timezone.utc)


def test_second_scheduler_waits_for_the_lease(app):
    assert try_acquire_lease("one", NOW)
    assert not try_acquire_lease("two", NOW + timedelta(seconds=10))
    assert try_acquire_lease("one", NOW + timedelta(seconds=30))  # renewal
    assert not try_acquire_lease("two", NOW + timedelta(seconds=60))


def test_expired_lease_is_taken_over(app):
    assert try_acquire_lease("one", NOW, seconds=90)
    assert try_acquire_lease("two", NOW + timedelta(seconds=91))
    assert not try_acquire_lease("one", NOW + timedelta(seconds=92))


def test_released_lease_is_free(app):
    assert try_acquire_lease("one", datetime.now(timezone.utc))
    release_lease("one")
    assert try_acquire_lease("two", datetime.now(timezone.utc))


def test_failed_job_is_recorded_not_raised(app):
    def broken(now):
        raise ValueError("no mail server")

    run = run_job(Job("test.broken", broken, "interval", {"seconds": 60}, "test"), NOW)
    assert run.outcome == "failed" and "no mail server" in run.message
    assert run.finished_at is not None


def test_ok_job_is_recorded(app):
    run = run_job(Job("test.ok", lambda now: f"ran at {now:%H:%M}", "interval", {"seconds": 60}, "test"), NOW)
    stored = db.session.scalars(select(JobRun)).one()
    assert stored.outcome == "ok" and stored.message == "ran at 09:00" and run.id == stored.id


def test_registered_jobs_have_unique_ids(app):
    ids = [job.id for job in all_jobs(app)]
    assert len(ids) == len(set(ids)) and "auth.prune_login_attempts" in ids


def test_jobs_cli_runs_a_job(runner, org):
    result = runner.invoke(args=["jobs", "run", "auth.prune_login_attempts", "--json"])
    assert result.exit_code == 0, result.output
    assert '"outcome": "ok"' in result.output


def test_admin_sees_jobs_page(client, auth, org):
    auth.login("admin")
    body = client.get("/admin/jobs").get_data(as_text=True)
    assert "auth.prune_login_attempts" in body and "Ingen schemaläggare körs" in body


def test_each_run_logs_one_line_and_an_idle_run_none(app, caplog, monkeypatch):
    import logging

    assert logging.getLogger("apscheduler").getEffectiveLevel() == logging.WARNING
    caplog.set_level(logging.INFO, logger="jobs.runner")
    monkeypatch.setattr(logging.getLogger("jobs.runner"), "disabled", False)  # alembic's fileConfig in `migrated`
    run_job(Job("test.idle", lambda now: "", "interval", {"seconds": 15}, "test"), NOW)
    assert [r for r in caplog.records if r.name == "jobs.runner"] == []
    run_job(Job("test.busy", lambda now: "3 sent", "interval", {"seconds": 15}, "test"), NOW)
    [line] = [r.getMessage() for r in caplog.records if r.name == "jobs.runner"]
    assert line.startswith("job test.busy ok in ") and line.endswith(": 3 sent")
