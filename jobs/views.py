"""The admins' page listing scheduled jobs, their next run and last outcome, with "run now"."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

import audit
from auth.access import requires
from extensions import db
from jobs.registry import all_jobs
from jobs.runner import request_run
from jobs import queries
from main.forms import ActionForm, require_action
from models import utcnow

bp = Blueprint("jobs", __name__)


@bp.get("/admin/jobs")
@requires("admin")
def overview():
    now = utcnow()
    rows, lease = queries.job_overview(now)
    recent = queries.recent_runs(50)
    return render_template("jobs/overview.html", rows=rows, lease=lease, recent=recent, now=now, form=ActionForm())


@bp.post("/admin/jobs/<job_id>/run")
@requires("admin")
def run_now(job_id: str):
    require_action()
    if job_id not in {job.id for job in all_jobs(current_app)}:
        abort(404)
    if request_run(job_id, utcnow()):
        audit.record("job.run_now", "job", job_id, commit=False)
        flash(_("Jobbet körs av schemaläggaren inom en halv minut."), "success")
    else:
        flash(_("Jobbet väntar redan på att köras."), "info")
    db.session.commit()
    return redirect(url_for("jobs.overview"))
