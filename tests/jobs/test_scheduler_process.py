"""Real `flask --app app scheduler` processes against one database: one runs, the other
waits; a killed scheduler is replaced; a missed run is caught up once; nothing twice."""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from models import SchedulerLease, utcnow

ROOT = Path(__file__).resolve().parents[2]
FAST = {"SCHEDULER_LEASE_SECONDS": "3", "SCHEDULER_RENEW_SECONDS": "1", "OUTBOX_POLL_SECONDS": "1"}


class Scheduler:
    """One scheduler process with its output in files."""

    def __init__(self, env: dict, tmp: Path, name: str, app_module: str = "app"):
        self.out, self.err = tmp / f"{name}.out", tmp / f"{name}.err"
        cmd = [sys.executable, "-m", "flask", "--app", app_module, "scheduler"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.out.open("w"), stderr=self.err.open("w"))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()

    def wait_started(self, timeout: float = 30) -> str:
        return wait_until(lambda: "Scheduler started" in self.output() and self.output(), timeout, self.output)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)


def wait_until(check, timeout: float, describe=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out; {describe()}")


@pytest.fixture
def env(app, tmp_path):
    environment = dict(os.environ)
    environment.update(FAST, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], LOG_LEVEL="INFO",
                       VAKSAM_INSTANCE=str(tmp_path / "instance"))
    return environment


@pytest.fixture
def started():
    """Every scheduler a test starts is stopped afterwards, even when the test fails."""
    procs = []
    yield procs
    for p in procs:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait(10)


def lease_holder() -> str | None:
    db.session.expire_all()
    lease = db.session.scalar(select(SchedulerLease))
    db.session.rollback()
    return lease.holder if lease and lease.expires_at > utcnow() else None


def test_second_scheduler_waits_and_takes_over_without_duplicates(app, env, smtp_server, queue_mail,
                                                                   tmp_path, started):
    smtp_server.start()
    smtp_server.clear()
    env.update(SMTP_HOST=smtp_server.host, SMTP_PORT=str(smtp_server.port), SMTP_STARTTLS="0")
    queue_mail("before", 5)
    first, second = Scheduler(env, tmp_path, "first"), Scheduler(env, tmp_path, "second")
    started += [first, second]
    outputs = [first.wait_started(), second.wait_started()]
    assert sorted("lease held" in o for o in outputs) == [False, True]  # one runs, one waits
    smtp_server.wait_for(5, timeout=30)
    holder, waiting = (first, second) if f":{first.pid}:" in lease_holder() else (second, first)

    holder.kill()  # no clean-up: the lease has to run out
    queue_mail("after-kill", 5)
    wait_until(lambda: f":{waiting.pid}:" in (lease_holder() or ""), 20, waiting.output)
    smtp_server.wait_for(10, timeout=30)
    assert waiting.stop() == 0
    assert lease_holder() is None  # released on a clean stop

    queue_mail("after-restart", 3)
    third = Scheduler(env, tmp_path, "third")
    started.append(third)
    assert "lease held" in third.wait_started()
    smtp_server.wait_for(13, timeout=30)
    time.sleep(2.5)  # a few more polls: nothing may be sent again
    assert third.stop() == 0
    subjects = collections.Counter(m.subject for m in smtp_server.messages)
    assert len(subjects) == 13 and set(subjects.values()) == {1}, subjects


def test_missed_run_is_caught_up_once(app, env, tmp_path, started):
    env["TICK_LOG"] = str(tmp_path / "ticks.log")
    ticks = Path(env["TICK_LOG"])

    def runs() -> list[tuple[int, float]]:
        if not ticks.exists():
            return []
        return [(int(p), float(t)) for p, t in (line.split() for line in ticks.read_text().splitlines())]

    first = Scheduler(env, tmp_path, "first", "tests.jobs.scheduler_app")
    started.append(first)
    first.wait_started()
    wait_until(lambda: len(runs()) >= 2, 20, first.output)
    first.kill()
    killed_at = time.time()
    time.sleep(7)  # the lease runs out and at least two scheduled times pass unrun

    second = Scheduler(env, tmp_path, "second", "tests.jobs.scheduler_app")
    started.append(second)
    restarted_at = time.time()
    second.wait_started()
    wait_until(lambda: len([r for r in runs() if r[0] == second.pid]) >= 3, 20, second.output)
    assert second.stop() == 0

    log = second.output()
    assert log.count("job test.tick missed a run; running it once now") == 1, log
    assert "missed a run" not in first.output()  # a job that never ran has nothing to catch up
    assert not [t for _, t in runs() if killed_at < t < restarted_at]  # nobody ran it meanwhile
    slots = collections.Counter(int(t // 3) for _, t in runs())
    assert set(slots.values()) == {1}, runs()  # no scheduled time ran twice


def _job_runs(job: str) -> list:
    from models import JobRun

    db.session.expire_all()
    runs = list(db.session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))
    db.session.rollback()
    return runs


def _outbox_states() -> dict[str, list]:
    from models import OutboxMessage

    db.session.expire_all()
    states: dict[str, list] = collections.defaultdict(list)
    for row in db.session.scalars(select(OutboxMessage)):
        states[row.status].append(row)
    db.session.rollback()
    return states


def test_sigterm_while_sending_records_the_message_in_flight_and_releases_the_rest(app, env, smtp, queue_mail,
                                                                                    tmp_path, started):
    from datetime import timedelta

    smtp.data_delay = 0.7  # each message takes a while: SIGTERM lands in the middle of the batch
    env.update(SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port), SMTP_STARTTLS="0", SMTP_MAX_PER_MINUTE="0")
    queue_mail("batch", 10)
    scheduler = Scheduler(env, tmp_path, "sender")
    started.append(scheduler)
    scheduler.wait_started()
    smtp.wait_for(1, timeout=30)
    scheduler.proc.send_signal(signal.SIGTERM)
    assert scheduler.proc.wait(20) == 0, scheduler.output()
    accepted = len(smtp.messages)
    states = _outbox_states()
    assert "sending" not in states  # nothing left claimed: no waiting for OUTBOX_CLAIM_SECONDS
    assert len(states["sent"]) == accepted  # the message in flight was recorded
    assert states["queued"] and all(r.claimed_by is None and r.attempts == 0 for r in states["queued"])
    assert len(states["sent"]) + len(states["queued"]) == 10
    run = [r for r in _job_runs("outbox.send") if r.outcome != "ok"][-1]
    assert run.outcome == "stopped" and run.finished_at is not None and "stopped" in run.message
    lease = db.session.scalar(select(SchedulerLease))
    db.session.rollback()
    assert lease_holder() is None  # released …
    assert lease.expires_at + timedelta(seconds=1) >= run.finished_at  # … only after the job had ended


def test_a_run_left_running_by_a_killed_scheduler_is_marked_interrupted(app, env, smtp, queue_mail,
                                                                         tmp_path, started):
    smtp.data_delay = 3
    env.update(SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port), SMTP_STARTTLS="0", SMTP_MAX_PER_MINUTE="0")
    queue_mail("slow", 5)
    first = Scheduler(env, tmp_path, "first")
    started.append(first)
    first.wait_started()
    running = wait_until(lambda: [r for r in _job_runs("outbox.send") if r.outcome == "running"], 30, first.output)
    assert f":{first.pid}:" in running[0].holder
    first.kill()
    assert _job_runs("outbox.send")[-1].outcome == "running"  # nobody has noticed yet
    smtp.data_delay = 0
    second = Scheduler(env, tmp_path, "second")
    started.append(second)
    second.wait_started()

    def interrupted():
        return [r for r in _job_runs("outbox.send") if r.id == running[0].id and r.outcome == "interrupted"]

    [run] = wait_until(interrupted, 30, second.output)
    assert run.finished_at is not None and "lease expired" in run.message
    assert second.stop() == 0
    # The second scheduler's own runs end properly (never "interrupted" by itself).
    assert all(r.outcome in ("ok", "failed", "stopped") for r in _job_runs("outbox.send") if r.id != run.id)
