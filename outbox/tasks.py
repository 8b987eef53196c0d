"""The scheduled job that sends the outbox."""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from jobs.registry import Job
from jobs.runner import stop_requested
from outbox.sender import send_due


def send(now) -> str:
    # Stops between two messages when the scheduler is told to stop (SIGTERM).
    report = send_due(now, should_stop=stop_requested)
    if report.error and not report.sent and not report.stopped:
        # Recorded as a failed run on the jobs page; the messages wait in the queue.
        raise RuntimeError(str(report))
    return str(report)


def JOBS(app=None) -> list[Job]:
    app = app or (current_app if has_app_context() else None)
    seconds = app.config["OUTBOX_POLL_SECONDS"] if app is not None else 30
    return [
        Job("outbox.send", send, "interval", {"seconds": seconds},
            _l("Skickar köade e-postmeddelanden (och försöker igen med dem som misslyckats tillfälligt).")),
    ]
