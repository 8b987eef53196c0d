"""Reads for the admins' jobs page: each job's next and last run, and the recent runs."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from jobs.registry import all_jobs
from jobs.schedule import next_run
from main.i18n import local_tz
from models import JobRun, SchedulerLease


def job_overview(now: datetime) -> tuple[list[dict], SchedulerLease | None]:
    """Every job with its next run, its last run and whether "run now" is waiting; and the lease."""
    tz = local_tz()
    started = select(JobRun.job, func.max(JobRun.id).label("id")).where(JobRun.outcome != "requested")
    latest = started.group_by(JobRun.job).subquery()
    last_runs = {r.job: r for r in db.session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))}
    requested = set(db.session.scalars(select(JobRun.job).where(JobRun.outcome == "requested")))
    rows = [
        {"job": job, "next": next_run(job, now, tz), "last": last_runs.get(job.id), "requested": job.id in requested}
        for job in all_jobs(current_app)
    ]
    return rows, db.session.get(SchedulerLease, "scheduler")


def recent_runs(limit: int = 50) -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(limit)))
