"""The scheduled jobs of the invitations: leavers give up their seats; attendees' answers are
read from the organiser mailbox."""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from extensions import db
from invites.registration import release_leavers
from invites.replies import poll
from jobs.registry import Job


def release(now) -> str:
    released = release_leavers(now)
    db.session.commit()
    return f"{released} registrations of people who left given up"


def read_replies(now) -> str:
    """Poll the organiser mailbox (a failed connection is a failed run; the messages wait)."""
    report = poll(now)
    return report.skipped or (f"{report.read} messages read: {report.by_outcome}; {report.left} left; "
                              f"{report.promoted} moved up from waiting lists")


def JOBS(app=None) -> list[Job]:
    app = app or (current_app if has_app_context() else None)
    seconds = app.config["IMAP_POLL_SECONDS"] if app is not None else 120
    return [
        # After the nightly directory sync (LDAP_SYNC_TIME, 02:30 by default) has deactivated leavers.
        Job("invites.release_leavers", release, "cron", {"hour": 5, "minute": 0},
            _l("Frigör platser som personer som slutat hade bokat, så att väntelistan flyttar fram.")),
        Job("invites.read_replies", read_replies, "interval", {"seconds": seconds},
            _l("Läser svaren på kalenderinbjudningar (Acceptera, Avböj …) i arrangörens brevlåda.")),
    ]
