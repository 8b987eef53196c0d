"""The scheduled job of the pulse quizzes: invitations on the opening day and the one reminder."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from jobs.registry import Job
from pulse.sending import send_due


def send(now: datetime) -> str:
    return str(send_due(now))


JOBS = [
    Job("pulse.send_due", send, "interval", {"seconds": 600},
        _l("Skickar enkätlänkar när en kännedomsmätning öppnar och en påminnelse före stängning "
           "till dem som inte har svarat.")),
]
