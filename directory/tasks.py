"""Scheduled directory jobs: the nightly sync and syncs requested by admins."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sqlalchemy import select

from extensions import db
from jobs.registry import Job
from models import DirectorySyncRun


def nightly(now) -> str:
    from directory.sync import run_sync

    result = run_sync(now, trigger="scheduler")
    if not result.ok:
        raise RuntimeError(result.message)
    return f"seen {result.seen}, created {result.created}, updated {result.updated}, deactivated {result.deactivated}"


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
    return f"run {run.id}: {'ok' if result.ok else 'failed'}"


def JOBS(app):
    if not app or not app.config.get("LDAP_URL"):
        return []
    hour, _, minute = (app.config.get("LDAP_SYNC_TIME") or "02:30").partition(":")
    return [
        Job("directory.sync", nightly, "cron", {"hour": int(hour), "minute": int(minute or 0)},
            _l("Hämtar alla medarbetare från katalogtjänsten (hela regionen).")),
        Job("directory.requested", requested, "interval", {"seconds": 30},
            _l("Kör katalogsynkroniseringar som en administratör har begärt.")),
    ]
