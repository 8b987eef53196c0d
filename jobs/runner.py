"""Running jobs: the single-scheduler lease, catching up missed runs, and the run log.

Only the process holding the lease runs jobs; a second scheduler keeps trying to
take the lease and runs nothing until the first one stops renewing it. Every firing
checks the lease in the database first, so a process that lost it (paused, cut off)
stops at its next job instead of running it a second time.

When a process takes the lease (first start, restart, or take-over from a dead
holder), each cron job whose scheduled time passed since its last logged run runs
once, now. Jobs themselves poll the database for due rows, so running once is enough.

"Run now" on the admin page logs a run with outcome "requested"; the lease holder
picks it up within SCHEDULER_RENEW_SECONDS. Web workers never run jobs.

Stopping (SIGTERM, see jobs/cli.py): `request_stop()` sets a flag that long jobs poll
(`stop_requested`; the outbox sender checks it before each message). A run that ends
while the flag is set is logged "stopped", not "failed"; the lease is released only after
every job thread has ended. Each run records its process (`JobRun.holder`): a run left
"running" by a process that died is marked "interrupted" by the next lease holder.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from flask import Flask
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from jobs.registry import Job, all_jobs
from jobs.schedule import make_trigger, missed_run
from models import JobRun, SchedulerLease, utcnow
from models.base import affected

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
LEASE_SECONDS = 90
RENEW_SECONDS = 30
#: Outcomes of runs that really started (a "requested" run has not).
STARTED = ("running", "ok", "failed", "stopped", "interrupted")
#: Set when this process is told to stop (SIGTERM); jobs poll it between units of work.
_STOP = threading.Event()


def request_stop() -> None:
    """Ask the running jobs of this process to stop at their next safe point."""
    _STOP.set()


def stop_requested() -> bool:
    """True once this process has been told to stop (jobs check it between units of work)."""
    return _STOP.is_set()


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def try_acquire_lease(holder: str, now: datetime, seconds: int = LEASE_SECONDS, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease `name` atomically; True if `holder` holds it afterwards.
    Other packages use their own names (the directory syncs: "directory.sync")."""
    expires = now + timedelta(seconds=seconds)
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name)
        .where((SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now))
        .values(holder=holder, expires_at=expires)
    )
    if affected(result):
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.scalar(select(SchedulerLease.name).where(SchedulerLease.name == name)) is None:
        try:
            db.session.execute(insert(SchedulerLease).values(name=name, holder=holder, expires_at=expires))
            db.session.commit()
            return True
        except IntegrityError:
            db.session.rollback()
    return False


def holds_lease(holder: str, now: datetime) -> bool:
    """True if `holder` holds an unexpired lease right now (a read; renews nothing)."""
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME))
    held = lease is not None and lease.holder == holder and lease.expires_at > now
    db.session.rollback()
    return held


def release_lease(holder: str) -> None:
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def run_job(job: Job, now: datetime | None = None, run_id: int | None = None, holder: str | None = None) -> JobRun:
    """Run one job now and record its outcome (never raises). `run_id`: a requested run to fill in;
    `holder`: the scheduler process running it (None from the CLI)."""
    now, t0 = now or utcnow(), time.perf_counter()
    run = db.session.get(JobRun, run_id) if run_id else None
    if run is None:
        run = JobRun(job=job.id)
        db.session.add(run)
    run.started_at, run.outcome, run.holder = now, "running", holder
    db.session.commit()
    run_id = run.id
    try:
        summary = job.func(now)
        outcome, message = "ok", (str(summary) if summary is not None else "")
    except Exception as exc:  # a failing job is recorded, the scheduler goes on
        log.exception("job %s failed", job.id)
        db.session.rollback()
        outcome, message = "failed", f"{type(exc).__name__}: {exc}"
    if stop_requested():  # told to stop while it ran: it ended early on purpose
        outcome = "stopped"
    run = db.session.get(JobRun, run_id)
    assert run is not None  # the row this run inserted
    run.outcome, run.message, run.finished_at = outcome, message[:4000], utcnow()
    db.session.commit()
    # One line per run; a run that found nothing to do (an empty summary) stays quiet.
    level = logging.INFO if outcome != "ok" or message else logging.DEBUG
    log.log(level, "job %s %s in %.2f s%s", job.id, outcome, time.perf_counter() - t0,
            f": {message}" if message else "")
    return run


def mark_interrupted(holder: str, now: datetime) -> int:
    """Runs left "running" by another scheduler process become "interrupted". Called by the
    lease holder: any other process's lease has expired, so none of its runs can still go on."""
    result = db.session.execute(
        update(JobRun)
        .where(JobRun.outcome == "running", JobRun.holder.is_not(None), JobRun.holder != holder)
        .values(outcome="interrupted", finished_at=now,
                message="the scheduler process ended while this ran (its lease expired)")
    )
    db.session.commit()
    return affected(result)


def request_run(job_id: str, now: datetime) -> bool:
    """Ask the scheduler to run a job soon ("run now"); False if a request is already waiting."""
    pending = db.session.scalar(select(JobRun.id).where(JobRun.job == job_id, JobRun.outcome == "requested"))
    if pending is not None:
        return False
    db.session.add(JobRun(job=job_id, started_at=now, outcome="requested", message=None))
    return True


def take_request(job_id: str) -> int | None:
    """Claim the waiting "run now" request of a job, if any (atomically, so it runs once)."""
    run_id = db.session.scalar(select(JobRun.id).where(JobRun.job == job_id, JobRun.outcome == "requested"))
    if run_id is None:
        db.session.rollback()
        return None
    claimed = affected(db.session.execute(
        update(JobRun).where(JobRun.id == run_id, JobRun.outcome == "requested").values(outcome="running")))
    db.session.commit()
    return run_id if claimed else None


def last_started(job_id: str) -> datetime | None:
    return db.session.scalar(
        select(JobRun.started_at).where(JobRun.job == job_id, JobRun.outcome.in_(STARTED))
        .order_by(JobRun.started_at.desc()).limit(1)
    )


class LeasedScheduler:
    """Wires the registered jobs into an APScheduler instance behind the lease."""

    def __init__(self, app: Flask, scheduler: BaseScheduler):
        self.app = app
        self.scheduler = scheduler
        self.holder = new_holder_id()
        self.has_lease = False
        self.tz = ZoneInfo(app.config["TIMEZONE"])
        self.lease_seconds = app.config.get("SCHEDULER_LEASE_SECONDS", LEASE_SECONDS)
        self.renew_seconds = app.config.get("SCHEDULER_RENEW_SECONDS", RENEW_SECONDS)
        self.jobs = {job.id: job for job in all_jobs(app)}
        #: Job threads running now, and a condition to wait for them at shutdown.
        self.active = 0
        self.running = threading.Condition()

    def renew(self) -> None:
        with self.app.app_context():
            try:
                now = utcnow()
                held = try_acquire_lease(self.holder, now, self.lease_seconds)
                if held != self.has_lease:
                    log.info("scheduler lease %s by %s", "taken" if held else "lost", self.holder)
                taken = held and not self.has_lease
                self.has_lease = held
                if taken:
                    if mark_interrupted(self.holder, now):
                        log.warning("job runs of a scheduler that died were marked interrupted")
                    self.catch_up(now)
                if held:
                    self.start_requested()
            finally:
                db.session.remove()

    def _run_soon(self, job_id: str) -> None:
        try:
            self.scheduler.modify_job(job_id, next_run_time=utcnow())
        except JobLookupError:
            pass

    def catch_up(self, now: datetime) -> None:
        """Run once every cron job whose scheduled time passed while no one held the lease."""
        for job in self.jobs.values():
            if missed_run(job, last_started(job.id), now, self.tz):
                log.info("job %s missed a run; running it once now", job.id)
                self._run_soon(job.id)

    def start_requested(self) -> None:
        """Fire jobs that an admin asked to run now (they run in their own thread)."""
        waiting = db.session.scalars(select(JobRun.job).where(JobRun.outcome == "requested")).all()
        db.session.rollback()
        for job_id in set(waiting) & set(self.jobs):
            self._run_soon(job_id)

    def _runner(self, job: Job):
        def fire():
            if not self.has_lease or stop_requested():
                return
            with self.running:
                self.active += 1
            try:
                with self.app.app_context():
                    try:
                        if not holds_lease(self.holder, utcnow()):  # lost it since the last renewal
                            self.has_lease = False
                            return
                        run_job(job, run_id=take_request(job.id), holder=self.holder)
                    finally:
                        db.session.remove()
            finally:
                with self.running:
                    self.active -= 1
                    self.running.notify_all()

        return fire

    def wait_for_jobs(self, timeout: float | None = None) -> bool:
        """Wait until no job thread of this scheduler runs; False if `timeout` passed first."""
        with self.running:
            return self.running.wait_for(lambda: self.active == 0, timeout=timeout)

    def setup(self) -> None:
        _STOP.clear()  # a new scheduler in this process starts un-stopped
        self.scheduler.configure(timezone=self.tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                                  "misfire_grace_time": 3600})
        for job in self.jobs.values():
            self.scheduler.add_job(self._runner(job), make_trigger(job, self.tz), id=job.id, name=job.id)
        self.scheduler.add_job(self.renew, "interval", seconds=self.renew_seconds, id="lease.renew", name="lease.renew")
        self.renew()

    def stop(self) -> None:
        """SIGTERM: no new runs, running jobs stop at their next safe point (see `shutdown`)."""
        request_stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def shutdown(self) -> None:
        """Wait for the job threads, then give up the lease (never while a job still runs)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.wait_for_jobs()
        with self.app.app_context():
            release_lease(self.holder)
            db.session.remove()
