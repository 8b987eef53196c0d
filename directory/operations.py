"""Writes for the directory's admin pages (asking the scheduler for a sync; callers commit) and
the record of each sync run (`started`, `finished`: committed at once, whatever the sync does).

The sync itself is planned in `directory.sync` and written by `directory.apply`.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from directory import queries
from extensions import db
from models import DirectorySyncRun, Person, utcnow

if TYPE_CHECKING:
    from directory.sync import SyncResult


def request_sync(actor: Person, dry_run: bool, now: datetime) -> bool:
    """Queue a sync (or a dry run) for the scheduler; False when one is already waiting or running."""
    if queries.sync_pending():
        return False
    db.session.add(DirectorySyncRun(started_at=now, outcome="requested", dry_run=dry_run, trigger="admin",
                                    requested_by_id=actor.id))
    return True


def started(now: datetime, dry_run: bool, trigger: str, requested_by_id: int | None = None) -> int:
    run = DirectorySyncRun(started_at=now, dry_run=dry_run, trigger=trigger, outcome="running",
                           requested_by_id=requested_by_id)
    db.session.add(run)
    db.session.commit()
    return run.id


def finished(run_id: int, result: SyncResult, outcome: str) -> None:
    run = db.session.get_one(DirectorySyncRun, run_id)
    run.outcome, run.finished_at = outcome, utcnow()
    run.counts, run.problems = result.counts(), result.problems
    run.message, run.seconds = result.message or None, round(result.seconds, 3)
    db.session.commit()
