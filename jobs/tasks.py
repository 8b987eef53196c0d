"""Housekeeping of the scheduler itself."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from datetime import timedelta

from sqlalchemy import delete

from extensions import db
from models.base import affected
from jobs.registry import Job
from models import JobRun

KEEP_DAYS = 90


def prune_runs(now) -> str:
    """The run log keeps 90 days; the outbox alone logs a run every poll."""
    result = db.session.execute(delete(JobRun).where(JobRun.started_at < now - timedelta(days=KEEP_DAYS),
                                                     JobRun.outcome != "requested"))
    db.session.commit()
    return f"{affected(result)} job runs older than {KEEP_DAYS} days removed"


JOBS = [
    Job("jobs.prune_runs", prune_runs, "cron", {"hour": 3, "minute": 40},
        _l("Rensar loggen över jobbkörningar äldre än 90 dagar.")),
]
