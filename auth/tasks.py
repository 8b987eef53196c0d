"""Scheduled housekeeping for log-ins."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from auth.operations import prune_login_attempts
from jobs.registry import Job


def prune(now) -> str:
    return f"{prune_login_attempts(now)} old login attempts removed"


JOBS = [
    Job("auth.prune_login_attempts", prune, "cron", {"hour": 3, "minute": 15},
        _l("Rensar inloggningsförsök äldre än 30 dagar.")),
]
