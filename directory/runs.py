"""One directory sync run from start to end, for the full and the incremental sync alike.

`run_recorded` takes the sync lease (one sync at a time, full or incremental: the row
"directory.sync" of the scheduler's lease table, `jobs.runner.try_acquire_lease`), records
the run (`started` / `finished`), turns trouble into a recorded outcome with nothing
changed, gives the lease back and then lets the caller announce what changed. A run that
finds another sync holding the lease records nothing and returns `busy`. A crashed
holder's lease runs out after LEASE_SECONDS (at once when it was a process on this machine
that is gone).

Incremental runs that changed nothing are folded into one row (see `fold_quiet_run`), so
96 checks a day do not push the full syncs out of the admins' list.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from directory.dn import DNError
from directory.errors import DirectoryError
from directory.mapping import MappingError
from directory.operations import finished, started
from extensions import db
from jobs.runner import new_holder_id, try_acquire_lease
from models import DirectorySyncRun, SchedulerLease, utcnow
from models.base import affected

log = logging.getLogger(__name__)
#: The lease row shared by the full and the incremental sync.
LEASE = "directory.sync"
#: A sync renews its lease while it reads; it runs out this long after the last renewal.
LEASE_SECONDS = 900
RENEW_SECONDS = 60
#: CLI exit status of a sync that did not run because another one holds the lease (EX_TEMPFAIL).
EXIT_BUSY = 75
#: Counts that say an incremental run wrote something.
WRITES = ("created", "updated", "moved", "reactivated", "deactivated", "missing")


class SyncRefused(DirectoryError):
    """The read looked complete but applying it would be unsafe (e.g. mass deactivation)."""


@dataclass
class SyncResult:
    ok: bool = False
    dry_run: bool = False
    seen: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    missing: int = 0
    deactivated: int = 0
    reactivated: int = 0
    units: int = 0
    problems: dict[str, list] = field(default_factory=lambda: {
        "dangling_manager": [], "cycles": [], "no_mail": [], "invalid": []})
    seconds: float = 0.0
    message: str = ""
    run_id: int | None = None
    #: The directory's own high-water mark after an incremental run (modifyTimestamp / uSNChanged).
    high_water: str | None = None
    #: True when the run did not start because another sync held the lease.
    busy: bool = False

    COUNT_KEYS = ("seen", "created", "updated", "moved", "missing", "deactivated", "reactivated", "units")

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.COUNT_KEYS}

    def as_json(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, **self.counts(), "problems": self.problems,
                "seconds": round(self.seconds, 3), "message": self.message, "run_id": self.run_id,
                **({"high_water": self.high_water} if self.high_water else {}),
                **({"busy": True} if self.busy else {})}


class Lease:
    """This run's hold on the sync lease; `renew()` is cheap to call often (it writes once a minute)."""

    def __init__(self, holder: str):
        self.holder = holder
        self.renewed = time.monotonic()

    def renew(self) -> None:
        """Extend the lease; raises DirectoryError if another sync took it after it ran out.
        Call it only where the session has nothing uncommitted (it commits)."""
        if time.monotonic() - self.renewed < RENEW_SECONDS:
            return
        if not try_acquire_lease(self.holder, utcnow(), LEASE_SECONDS, LEASE):
            raise DirectoryError("this sync's lease ran out and another sync took it over")
        self.renewed = time.monotonic()


@dataclass
class Run:
    """What the body of a run fills in: its result, and what to announce after the commit."""

    run_id: int
    lease: Lease
    result: SyncResult
    after: Callable[[int], object] | None = None


def _holder_gone(holder: str) -> bool:
    """True if `holder` ("host:pid:random") was a process on this machine that no longer exists."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_lease(holder: str, now: datetime) -> bool:
    """Take the sync lease, or take it over from a process on this machine that died holding it."""
    if try_acquire_lease(holder, now, LEASE_SECONDS, LEASE):
        return True
    current = db.session.scalar(select(SchedulerLease.holder).where(SchedulerLease.name == LEASE))
    if current and _holder_gone(current):
        taken = affected(db.session.execute(update(SchedulerLease).where(
            SchedulerLease.name == LEASE, SchedulerLease.holder == current).values(
            holder=holder, expires_at=now + timedelta(seconds=LEASE_SECONDS))))
        db.session.commit()
        if taken:
            log.warning("directory sync: took over the lease of %s (that process is gone)", current)
            return True
    db.session.rollback()
    return False


def give_back(holder: str) -> None:
    """End this run's hold: the row goes, so the next sync takes it whatever either clock says."""
    db.session.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE, SchedulerLease.holder == holder))
    db.session.commit()


def busy_message() -> str:
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE))
    db.session.rollback()
    if lease is None:
        return "another directory sync is running"
    return (f"another directory sync is running ({lease.holder}; its lease runs until "
            f"{lease.expires_at:%Y-%m-%d %H:%M:%S} UTC unless renewed)")


def run_recorded(now: datetime, body: Callable[[Run], None], *, trigger: str, dry_run: bool = False,
                 requested_by_id: int | None = None, run_id: int | None = None) -> SyncResult:
    """Run `body` under the sync lease as one recorded run (see module docstring). Never raises
    for directory trouble; `body` raises SyncRefused or DirectoryError to leave nothing changed."""
    lease = Lease(new_holder_id())
    if not take_lease(lease.holder, utcnow()):
        message = busy_message()
        log.warning("directory sync (%s) skipped: %s", trigger, message)
        return SyncResult(dry_run=dry_run, run_id=run_id, busy=True, message=f"Skipped: {message}")
    try:
        t0 = time.perf_counter()
        if run_id is None:
            run_id = started(now, dry_run, trigger, requested_by_id)
        run = Run(run_id, lease, SyncResult(dry_run=dry_run, run_id=run_id))
        outcome = "failed"
        try:
            body(run)
            run.result.ok, outcome = True, "ok"
        except SyncRefused as exc:
            db.session.rollback()
            run.result.message, outcome, run.after = str(exc), "refused", None
        except (DNError, MappingError) as exc:  # bad data that got this far is a bug, not directory trouble
            _unexpected(run, trigger, exc)
        except DirectoryError as exc:
            db.session.rollback()
            run.result.message, run.after = f"Nothing was changed: {exc}", None
        except Exception as exc:
            _unexpected(run, trigger, exc)
        result = run.result
        result.dry_run, result.run_id, result.seconds = dry_run, run_id, time.perf_counter() - t0
        finished(run_id, result, outcome)
        if trigger == "changes" and outcome == "ok":
            result.run_id = fold_quiet_run(run_id)
    finally:
        db.session.rollback()
        give_back(lease.holder)
    if run.after is not None:  # after the commit: receivers (the training status cache) see the new people
        run.after(result.run_id)
    return result


def _unexpected(run: Run, trigger: str, exc: Exception) -> None:
    db.session.rollback()
    log.exception("directory sync (%s) failed", trigger)
    run.result.message, run.after = f"Nothing was changed: unexpected {type(exc).__name__}: {exc}", None


def _quiet(counts: dict | None) -> bool:
    return counts is not None and not any(counts.get(k) for k in WRITES)


def fold_quiet_run(run_id: int) -> int:
    """An incremental run that wrote nothing, right after another such run, is folded into it:
    that row takes this run's end, high-water mark and problems and counts one more check
    (`counts["checks"]`); this run's own row goes. Returns the id of the row that remains.

    The mark stays safe: it is only ever taken from an "ok" run, and the folded row holds
    the newest one. A run that changed something, failed, or any other run in between
    starts a new row."""
    run = db.session.get(DirectorySyncRun, run_id)
    prev = db.session.scalars(select(DirectorySyncRun).where(DirectorySyncRun.id < run_id)
                              .order_by(DirectorySyncRun.id.desc()).limit(1)).first()
    if (run is None or prev is None or not _quiet(run.counts) or prev.trigger != "changes"
            or prev.outcome != "ok" or prev.dry_run or not _quiet(prev.counts)):
        return run_id
    checks = int((prev.counts or {}).get("checks", 1)) + 1
    prev.counts = {**(run.counts or {}), "checks": checks}
    prev.finished_at, prev.seconds, prev.problems = run.finished_at, run.seconds, run.problems
    db.session.execute(delete(DirectorySyncRun).where(DirectorySyncRun.id == run_id))
    db.session.commit()
    return prev.id
