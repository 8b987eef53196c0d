"""The scheduled job of the communication plan."""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from campaign.sending import send_due
from jobs.registry import Job


def send(now) -> str:
    return str(send_due(now))


def JOBS(app=None) -> list[Job]:
    app = app or (current_app if has_app_context() else None)
    seconds = app.config["PLAN_POLL_SECONDS"] if app is not None else 60
    return [
        Job("campaign.send_due", send, "interval", {"seconds": seconds},
            _l("Skickar kommunikationsplanens e-postmeddelanden när deras tid har kommit och ger ägarna "
            "uppgiften att publicera meddelanden i andra kanaler.")),
    ]
