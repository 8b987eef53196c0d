"""Scheduler bookkeeping: the single-scheduler lease and a log of job runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of, utcnow

#: `JobRun.outcome` values (see the column).
JOB_OUTCOMES = ("requested", "running", "ok", "failed", "stopped", "interrupted")


class SchedulerLease(Base):
    """A lease row; only the holder of an unexpired lease runs scheduled jobs."""

    __tablename__ = "scheduler_lease"

    #: Lease name ("scheduler").
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: Who holds it: "hostname:pid:random".
    holder: Mapped[str] = mapped_column(String(200))
    #: When the lease runs out unless renewed.
    expires_at: Mapped[datetime]


class JobRun(Base):
    """One run of a scheduled job, with its outcome."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Job id ("outbox.send", "directory.sync", …).
    job: Mapped[str] = mapped_column(String(80), index=True)
    #: When it started.
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it ended (None while running).
    finished_at: Mapped[datetime | None]
    #: "requested" (an admin's "run now", not started yet), "running", "ok", "failed", "stopped"
    #: (the scheduler was told to stop, SIGTERM) or "interrupted" (its process died while it ran).
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    #: The scheduler process that ran it ("hostname:pid:random", as in the lease); None for the CLI.
    holder: Mapped[str | None] = mapped_column(String(200))
    #: A short summary or the error message.
    message: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        one_of("outcome", JOB_OUTCOMES),
        # The scheduler looks for "run now" requests at every lease renewal.
        Index("ix_job_run_requested", "job",
              postgresql_where=text("outcome = 'requested'"), sqlite_where=text("outcome = 'requested'")),
    )
