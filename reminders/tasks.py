"""Scheduled job: the reminder rounds (the job id keeps its first name, `training.reminders`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from extensions import db
from jobs.registry import Job
from reminders import rounds


def send_reminders(now) -> str:
    report = rounds.run_round(now)
    db.session.commit()
    return str(report)


JOBS = [
    # Every hour; the job itself sends only on Swedish working days within office hours.
    Job("training.reminders", send_reminders, "cron", {"minute": 10},
        _l("Skickar påminnelseomgångar om utbildningen, sammanfattningar till chefer och eskaleringar "
        "(arbetsdagar, kontorstid).")),
]
