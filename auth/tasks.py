"""Scheduled housekeeping for log-ins."""
from __future__ import annotations

from auth.oidc_operations import prune as prune_oidc
from auth.operations import prune_login_attempts
from jobs.registry import Job


def prune(now) -> str:
    return f"{prune_login_attempts(now)} old login attempts removed"


def prune_sign_ins(now) -> str:
    return f"{prune_oidc(now)} old single sign-on records removed"


JOBS = [
    Job("auth.prune_login_attempts", prune, "cron", {"hour": 3, "minute": 15},
        "Rensar inloggningsförsök äldre än 30 dagar."),
    Job("auth.prune_oidc_sign_ins", prune_sign_ins, "cron", {"hour": 3, "minute": 20},
        "Rensar uppgifter om inloggningar via regionens inloggning äldre än två dygn."),
]
