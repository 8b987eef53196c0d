"""Running jobs: the single-scheduler lease and the run log.

Only the process holding the lease runs jobs; a second scheduler keeps trying to
take the lease and runs nothing until the first one stops renewing it.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from flask import Flask
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from jobs.registry import Job, all_jobs
from models import JobRun, SchedulerLease, utcnow

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
LEASE_SECONDS = 90
RENEW_SECONDS = 30


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def try_acquire_lease(holder: str, now: datetime, seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the lease atomically; True if `holder` holds it afterwards."""
    expires = now + timedelta(seconds=seconds)
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME)
        .where((SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now))
        .values(holder=holder, expires_at=expires)
    )
    if result.rowcount:
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.scalar(select(SchedulerLease.name).where(SchedulerLease.name == LEASE_NAME)) is None:
        try:
            db.session.execute(insert(SchedulerLease).values(name=LEASE_NAME, holder=holder, expires_at=expires))
            db.session.commit()
            return True
        except IntegrityError:
            db.session.rollback()
    return False


def release_lease(holder: str) -> None:
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def run_job(job: Job, now: datetime | None = None) -> JobRun:
    """Run one job now and record its outcome (never raises)."""
    now = now or utcnow()
    run = JobRun(job=job.id, started_at=now, outcome="running")
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    try:
        summary = job.func(now)
        outcome, message = "ok", (str(summary) if summary is not None else "")
    except Exception as exc:  # a failing job is recorded, the scheduler goes on
        log.exception("job %s failed", job.id)
        db.session.rollback()
        outcome, message = "failed", f"{type(exc).__name__}: {exc}"
    run = db.session.get(JobRun, run_id)
    run.outcome, run.message, run.finished_at = outcome, message[:4000], utcnow()
    db.session.commit()
    return run


class LeasedScheduler:
    """Wires the registered jobs into an APScheduler instance behind the lease."""

    def __init__(self, app: Flask, scheduler: BaseScheduler):
        self.app = app
        self.scheduler = scheduler
        self.holder = new_holder_id()
        self.has_lease = False

    def renew(self) -> None:
        with self.app.app_context():
            held = try_acquire_lease(self.holder, utcnow())
            if held != self.has_lease:
                log.info("scheduler lease %s by %s", "taken" if held else "lost", self.holder)
            self.has_lease = held
            db.session.remove()

    def _runner(self, job: Job):
        def fire():
            if not self.has_lease:
                return
            with self.app.app_context():
                try:
                    run_job(job)
                finally:
                    db.session.remove()

        return fire

    def setup(self) -> None:
        tz = self.app.config["TIMEZONE"]
        self.scheduler.configure(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                             "misfire_grace_time": 3600})
        self.renew()
        self.scheduler.add_job(self.renew, "interval", seconds=RENEW_SECONDS, id="lease.renew", name="lease.renew")
        for job in all_jobs(self.app):
            self.scheduler.add_job(self._runner(job), job.trigger, id=job.id, name=job.id, **job.trigger_args)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        with self.app.app_context():
            release_lease(self.holder)
            db.session.remove()
