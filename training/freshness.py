"""When the status cache (`training.refresh`) is brought up to date, and by whom: never by a read.

- A write that changes known people (an import, its undo, an API completion, an exemption)
  calls `people_changed(ids, now)` after its commit, or sends `signals.completions_imported`:
  those people are refreshed at once, or queued when another process holds the requirement.
- A write that moves everyone (a requirement, a version, a directory sync) calls
  `refresh.mark_dirty()` in its transaction.
- The scheduler's `training.refresh` job (`run_pending`, every TRAINING_REFRESH_SECONDS)
  recomputes requirements that are dirty or computed for an earlier day (the day rollover:
  also a cron job at local midnight, and the job's first run after the scheduler starts),
  then drains the queue.
- Pages call `state()` to say how fresh their figures are ("Uppdaterad 14:02").

One process recomputes a requirement at a time: on PostgreSQL a transaction-level advisory
lock per requirement, taken with "try" so a busy requirement is skipped (its people queued)
and the others keep serving the previous figures; on SQLite `BEGIN IMMEDIATE` (one writer).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from extensions import db
from jobs.batch import collector_paused
from main.i18n import local_tz
from models import RefreshQueue, Requirement, TrainingRefresh, utcnow
from training import facts, refresh
from training.status import local_date

log = logging.getLogger(__name__)
#: The first key of our PostgreSQL advisory locks (the second is the requirement id).
LOCK_CLASS = 190_001


def _lock(requirement_id: int) -> bool:
    """Take the requirement's refresh lock for this transaction; False if another process has it."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:c, :r)"),
                                      {"c": LOCK_CLASS, "r": requirement_id}))
    if dialect == "sqlite":
        raw = db.session.connection().connection.driver_connection
        if raw is not None and not raw.in_transaction:  # already writing: already holding the write lock
            db.session.execute(text("BEGIN IMMEDIATE"))
    return True


def _stamp(requirement_id: int) -> TrainingRefresh | None:
    return db.session.get(TrainingRefresh, requirement_id, populate_existing=True)


def _is_current(stamp: TrainingRefresh | None, today: date) -> bool:
    return stamp is not None and not stamp.dirty and stamp.computed_for == today


def recompute(requirement: Requirement, now: datetime) -> int | None:
    """Recompute one requirement if it is stale and nobody else is at it (commits);
    returns how many people it covers, or None if nothing was done."""
    today = local_date(now, local_tz())
    try:
        if not _lock(requirement.id) or _is_current(_stamp(requirement.id), today):
            db.session.rollback()
            return None
        # Clearing the flag first holds the stamp row: a requirement change that marks it
        # dirty meanwhile waits for this commit and then marks it again, so nothing is lost.
        db.session.execute(update(TrainingRefresh).where(TrainingRefresh.requirement_id == requirement.id)
                           .values(dirty=False))
        covered = refresh.refresh(requirement, now)
        db.session.commit()
        return covered
    except Exception:
        db.session.rollback()
        raise


def _refresh_locked(person_ids: list[int], now: datetime) -> bool:
    """Refresh these people in every current requirement; False (nothing written) if one is busy.

    A requirement that is not current is skipped: its full recompute reads these people's
    committed facts anyway."""
    today = local_date(now, local_tz())
    for requirement in facts.active_requirements():
        if not _lock(requirement.id):
            return False
        if _is_current(_stamp(requirement.id), today):
            refresh.refresh_people(requirement, person_ids, now)
    return True


def queue(person_ids: Iterable[int], now: datetime) -> None:
    """Leave people for the scheduler's next refresh (callers commit)."""
    rows = [{"person_id": pid, "queued_at": now} for pid in sorted(set(person_ids))]
    if rows:
        db.session.execute(insert(RefreshQueue), rows)


def people_changed(person_ids: Iterable[int], now: datetime) -> bool:
    """Refresh the cache for people whose facts a committed write changed (commits);
    False if they were queued for the scheduler instead."""
    ids = sorted(set(person_ids))
    if not ids:
        return True
    try:
        if _refresh_locked(ids, now):
            db.session.commit()
            return True
        db.session.rollback()
    except DBAPIError:  # e.g. a deadlock with a directory write: the scheduler retries
        log.warning("status refresh of %d people failed; queued", len(ids), exc_info=True)
        db.session.rollback()
    queue(ids, now)
    db.session.commit()
    return False


def drain_queue(now: datetime) -> int:
    """Refresh the queued people (commits); returns how many, 0 if none or a requirement was busy."""
    last = db.session.scalar(select(func.max(RefreshQueue.id)))
    if last is None:
        db.session.rollback()
        return 0
    ids = sorted(set(db.session.scalars(select(RefreshQueue.person_id).where(RefreshQueue.id <= last))))
    if not _refresh_locked(ids, now):
        db.session.rollback()
        return 0
    db.session.execute(delete(RefreshQueue).where(RefreshQueue.id <= last))
    db.session.commit()
    return len(ids)


def run_pending(now: datetime) -> str:
    """The scheduled job: recompute stale requirements, then refresh queued people.
    Returns "" when there was nothing to do (the runner then logs nothing).

    Batch work only (the scheduler, a reminder round, CLI commands; never a request), so it runs
    with the collector paused (jobs/batch.py): a recompute of 55,000 statuses keeps hundreds of
    thousands of rows alive, and the full collections that rescanned them were a third of its
    CPU (bench/RESULTS.md, 2026-12-07 21:30–22:45)."""
    done = []
    with collector_paused():
        for requirement in facts.active_requirements():
            covered = recompute(requirement, now)
            if covered is not None:
                done.append(f"requirement {requirement.id} recomputed ({covered} people)")
        drained = drain_queue(now)
    if drained:
        done.append(f"{drained} queued people refreshed")
    return "; ".join(done)


@dataclass(frozen=True)
class Freshness:
    """How fresh the figures a page shows are."""

    #: When they were computed (None: never yet).
    computed_at: datetime | None
    #: The local day they hold for.
    computed_for: date | None
    #: A refresh is waiting (dirty, queued people, or an earlier day): figures may change shortly.
    pending: bool


def state(requirement: Requirement, now: datetime | None = None) -> Freshness:
    """One read (the stamp, and whether anyone is queued); never recomputes."""
    queued = select(RefreshQueue.id).limit(1).exists()
    stamp = db.session.execute(
        select(TrainingRefresh.computed_at, TrainingRefresh.computed_for, TrainingRefresh.dirty, queued)
        .where(TrainingRefresh.requirement_id == requirement.id)).first()
    if stamp is None:
        return Freshness(None, None, True)
    computed_at, computed_for, dirty, anyone_queued = stamp
    today = local_date(now or utcnow(), local_tz())
    return Freshness(computed_at, computed_for, bool(anyone_queued or dirty or computed_for != today))


def on_completions_imported(sender, person_ids: Iterable[int] = (), **kwargs) -> None:
    """Receiver of `signals.completions_imported`."""
    people_changed(person_ids, utcnow())


def on_directory_synced(sender, changed_person_ids: Iterable[int] = (),
                        deactivated_person_ids: Iterable[int] = (), **kwargs) -> None:
    """Receiver of `signals.directory_synced`: moves change managers' counts along whole
    chains, so the requirements are recomputed by the scheduler's next run."""
    if set(changed_person_ids) | set(deactivated_person_ids):
        refresh.mark_dirty()
        db.session.commit()
