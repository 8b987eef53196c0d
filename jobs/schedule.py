"""When jobs are due: their triggers, the next run, and whether a run was missed (pure rules)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.registry import Job


def make_trigger(job: Job, tz: ZoneInfo) -> BaseTrigger:
    """The APScheduler trigger for a job ("cron" or "interval"), in the installation's time zone."""
    if job.trigger == "cron":
        return CronTrigger(timezone=tz, **job.trigger_args)
    if job.trigger == "interval":
        return IntervalTrigger(timezone=tz, **job.trigger_args)
    raise ValueError(f"{job.id}: unsupported trigger {job.trigger!r}")


def next_run(job: Job, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The next scheduled time at or after `now` (for interval jobs: one interval from now)."""
    trigger = make_trigger(job, tz)
    return trigger.get_next_fire_time(None, now)


def missed_run(job: Job, last_started: datetime | None, now: datetime, tz: ZoneInfo) -> bool:
    """True if a scheduled time of a cron job fell between its last run and `now`.

    However many times were missed (the scheduler was down over the night), the answer
    is one yes: the job then runs once to catch up, and polls the database for what is due.
    Interval jobs are never "missed": they run again within one interval anyway. A job
    that never ran has nothing to catch up (a new installation does not run everything at once).
    """
    if job.trigger != "cron" or last_started is None:
        return False
    # Cron times are whole seconds; a run that started at 09:00:00.000 covers 09:00:00.
    first_after = make_trigger(job, tz).get_next_fire_time(None, last_started + timedelta(seconds=1))
    return first_after is not None and first_after <= now
