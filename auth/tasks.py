"""Scheduled housekeeping for log-ins."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from auth.oidc_operations import prune as prune_oidc
from auth.operations import prune_login_attempts
from auth.sessions import purge_expired
from jobs.registry import Job


def prune(now: datetime) -> str:
    return f"{prune_login_attempts(now)} old login attempts removed"


def prune_sign_ins(now: datetime) -> str:
    return f"{prune_oidc(now)} old single sign-on records removed"


def purge_sessions(now: datetime) -> str:
    return f"{purge_expired(now)} expired sessions removed"


JOBS = [
    Job("auth.prune_login_attempts", prune, "cron", {"hour": 3, "minute": 15},
        _l("Rensar inloggningsförsök äldre än 30 dagar.")),
    Job("auth.prune_oidc_sign_ins", prune_sign_ins, "cron", {"hour": 3, "minute": 20},
        _l("Rensar uppgifter om inloggningar via regionens inloggning äldre än två dygn.")),
    Job("auth.purge_sessions", purge_sessions, "interval", {"minutes": 15},
        _l("Tar bort inloggningar som har gått ut (inaktiva eller för gamla).")),
]
