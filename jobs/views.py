"""The admins' page listing scheduled jobs, their next run and last outcome, with "run now"."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func, select

import audit
from auth.access import requires
from extensions import db
from jobs.registry import all_jobs
from jobs.runner import request_run
from jobs.schedule import next_run
from main.i18n import local_tz
from models import JobRun, SchedulerLease, utcnow

bp = Blueprint("jobs", __name__)


class RunNowForm(FlaskForm):
    """No fields: carries the CSRF token of the "run now" button."""


def job_overview(now: datetime) -> tuple[list[dict], SchedulerLease | None]:
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


@bp.get("/admin/jobs")
@requires("admin")
def overview():
    now = utcnow()
    rows, lease = job_overview(now)
    recent = db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(50)).all()
    return render_template("jobs/overview.html", rows=rows, lease=lease, recent=recent, now=now, form=RunNowForm())


@bp.post("/admin/jobs/<job_id>/run")
@requires("admin")
def run_now(job_id: str):
    if not RunNowForm().validate_on_submit():
        abort(400)
    if job_id not in {job.id for job in all_jobs(current_app)}:
        abort(404)
    if request_run(job_id, utcnow()):
        audit.record("job.run_now", "job", job_id, commit=False)
        flash(_("Jobbet körs av schemaläggaren inom en halv minut."), "success")
    else:
        flash(_("Jobbet väntar redan på att köras."), "info")
    db.session.commit()
    return redirect(url_for("jobs.overview"))
