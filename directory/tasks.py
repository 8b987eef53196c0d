"""Scheduled directory jobs: the nightly sync and syncs requested by admins."""
from __future__ import annotations

import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from jobs.registry import Job
from jobs.runner import stop_requested
from models import DirectorySyncRun

#: The nightly sync waits this long for a running incremental sync to end (it polls the lease).
NIGHTLY_WAIT_SECONDS = 600
POLL_SECONDS = 5


def nightly(now) -> str:
    from directory.sync import run_sync

    deadline = time.monotonic() + NIGHTLY_WAIT_SECONDS
    result = run_sync(now, trigger="scheduler")
    while result.busy and time.monotonic() < deadline and not stop_requested():
        time.sleep(POLL_SECONDS)  # an incremental sync takes seconds; the nightly one must not be lost
        result = run_sync(now, trigger="scheduler")
    if not result.ok:
        raise RuntimeError(result.message)
    return f"seen {result.seen}, created {result.created}, updated {result.updated}, deactivated {result.deactivated}"


def changes(now) -> str:
    from directory.changes import run_changes

    result = run_changes(now)
    if result.busy:  # the nightly sync runs: it reads everything anyway
        return result.message
    if not result.ok:
        raise RuntimeError(result.message)
    return (f"changed {result.seen}, created {result.created}, updated {result.updated}, moved {result.moved}, "
            f"mark {result.high_water}")


def requested(now) -> str:
    """Run a sync an admin asked for in the UI (the web request only records the wish)."""
    from directory.sync import run_sync

    run = db.session.scalars(
        select(DirectorySyncRun).where(DirectorySyncRun.outcome == "requested").order_by(DirectorySyncRun.id)
    ).first()
    if run is None:
        return "nothing requested"
    run.outcome = "running"
    db.session.commit()
    result = run_sync(now, dry_run=run.dry_run, trigger="admin", run_id=run.id)
    if result.busy:  # another sync runs: ask again at the next round (every 30 s)
        run.outcome = "requested"
        db.session.commit()
        return f"run {run.id} waits: {result.message}"
    return f"run {run.id}: {'ok' if result.ok else 'failed'}"


def JOBS(app):
    if not app or not app.config.get("LDAP_URL"):
        return []
    minutes = int(app.config.get("DIRECTORY_CHANGES_MINUTES", 15) or 0)
    hour, _, minute = (app.config.get("LDAP_SYNC_TIME") or "02:30").partition(":")
    return [
        Job("directory.sync", nightly, "cron", {"hour": int(hour), "minute": int(minute or 0)},
            _l("Hämtar alla medarbetare från katalogtjänsten (hela regionen).")),
        *([Job("directory.changes", changes, "interval", {"minutes": minutes},
                _l("Hämtar ändringar från katalogtjänsten sedan förra körningen (nya, flyttade och ändrade "
                   "medarbetare)."))] if minutes > 0 else []),
        Job("directory.requested", requested, "interval", {"seconds": 30},
            _l("Kör katalogsynkroniseringar som en administratör har begärt.")),
    ]
