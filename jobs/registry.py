"""The list of scheduled jobs. Each feature package lists its own in `tasks.py`.

A package adds its module to TASK_MODULES and defines `JOBS` (a list, or a function of
the app returning one, when the schedule comes from settings). A job is a function of
`now` that polls the database for what is due and is safe to run twice: the scheduler
runs a missed cron job once on start-up, and an admin may press "run now". Expected:
"outbox.send" (here), campaign messages that are due, the nightly directory sync
(LDAP_SYNC_TIME), reminder rounds (hourly; the job itself checks `jobs.workdays`),
quarterly KPI snapshots (cron month="1,4,7,10", day=1).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

#: Modules that define `JOBS: list[Job]`.
TASK_MODULES = ["auth.tasks", "jobs.tasks", "directory.tasks", "outbox.tasks", "training.tasks", "reminders.tasks",
                "lms.tasks", "campaign.tasks", "invites.tasks", "followup.tasks", "privacy.tasks"]


@dataclass(frozen=True)
class Job:
    #: Stable id, e.g. "outbox.send".
    id: str
    #: Called with `now` (UTC-aware) inside an app context; returns a short summary.
    func: Callable
    #: APScheduler trigger name and arguments ("interval", {"seconds": 30}) or ("cron", {...}).
    trigger: str
    trigger_args: dict
    #: What the job does, for the admin page (Swedish).
    description: str  # usually a lazy_gettext string, shown in the admin's language


def all_jobs(app=None) -> list[Job]:
    jobs: list[Job] = []
    for name in TASK_MODULES:
        module = importlib.import_module(name)
        specs = module.JOBS(app) if callable(module.JOBS) else module.JOBS
        jobs.extend(specs)
    return jobs


def get_job(job_id: str, app=None) -> Job:
    for job in all_jobs(app):
        if job.id == job_id:
            return job
    raise KeyError(job_id)
