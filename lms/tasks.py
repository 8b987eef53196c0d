"""Scheduled jobs of the LMS integration: deleting upload previews nobody confirmed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from jobs.registry import Job
from lms import previews


def delete_previews(now) -> str:
    return f"{previews.delete_expired(now)} unconfirmed upload previews deleted"


JOBS = [
    Job("lms.delete_previews", delete_previews, "cron", {"minute": 25},
        _l("Raderar uppladdade importfiler som aldrig bekräftades (efter TRAINING_PREVIEW_HOURS).")),
]
