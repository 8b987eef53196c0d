"""The scheduled job of the registrations: leavers give up their seats."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from extensions import db
from invites.registration import release_leavers
from jobs.registry import Job


def release(now) -> str:
    released = release_leavers(now)
    db.session.commit()
    return f"{released} registrations of people who left given up"


JOBS = [
    # After the nightly directory sync (LDAP_SYNC_TIME, 02:30 by default) has deactivated leavers.
    Job("invites.release_leavers", release, "cron", {"hour": 5, "minute": 0},
        _l("Frigör platser som personer som slutat hade bokat, så att väntelistan flyttar fram.")),
]
