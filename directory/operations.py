"""Writes for the directory's admin pages: asking the scheduler for a sync. Callers commit.

The sync itself is planned in `directory.sync` and written by `directory.apply`.
"""
from __future__ import annotations

from datetime import datetime

from directory import queries
from extensions import db
from models import DirectorySyncRun, Person


def request_sync(actor: Person, dry_run: bool, now: datetime) -> bool:
    """Queue a sync (or a dry run) for the scheduler; False when one is already waiting or running."""
    if queries.sync_pending():
        return False
    db.session.add(DirectorySyncRun(started_at=now, outcome="requested", dry_run=dry_run, trigger="admin",
                                    requested_by_id=actor.id))
    return True
