"""The admins' page listing scheduled jobs, their next run and last outcome."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Blueprint, current_app, render_template
from sqlalchemy import func, select

from auth.access import requires
from extensions import db
from jobs.registry import all_jobs
from models import JobRun, SchedulerLease, utcnow

bp = Blueprint("jobs", __name__)


def next_run(job, now: datetime, tz: ZoneInfo) -> datetime | None:
    if job.trigger == "cron":
        trigger = CronTrigger(timezone=tz, **job.trigger_args)
    elif job.trigger == "interval":
        trigger = IntervalTrigger(timezone=tz, **job.trigger_args)
    else:
        return None
    return trigger.get_next_fire_time(None, now)


def job_overview(now: datetime) -> tuple[list[dict], SchedulerLease | None]:
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    last_runs = {r.job: r for r in db.session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))}
    rows = [
        {"job": job, "next": next_run(job, now, tz), "last": last_runs.get(job.id)} for job in all_jobs(current_app)
    ]
    return rows, db.session.get(SchedulerLease, "scheduler")


@bp.get("/admin/jobs")
@requires("admin")
def overview():
    now = utcnow()
    rows, lease = job_overview(now)
    recent = db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(50)).all()
    return render_template("jobs/overview.html", rows=rows, lease=lease, recent=recent, now=now)
