"""The derived status cache of the mandatory training: every covered person's status, the
counts per manager and per unit, when each requirement was last computed, and the people waiting for a
refresh. Written only by `training/refresh.py` and `training/freshness.py`; see docs/training.md."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of, utcnow
from models.training import STATUS_STATES

#: The kinds of `UnitSummary` rows.
UNIT_SUMMARY_KINDS = ("own", "subtree")


class PersonStatus(Base):
    """Cache: a person's status for a requirement as of `TrainingRefresh.computed_for`.

    Derived from the tables above by `training.refresh`; never edited by hand.
    """

    __tablename__ = "training_status"

    #: The requirement.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"), primary_key=True)
    #: The person (covered by the requirement).
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: "completed", "in_progress", "not_started", "overdue" or "exempt".
    state: Mapped[str] = mapped_column(String(12))
    #: True for completed and exempt (nothing for the manager to chase).
    done: Mapped[bool] = mapped_column(Boolean)
    #: The person's due date (None if there is none).
    due_on: Mapped[date | None] = mapped_column(Date)
    #: Version of the completion that counts.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("training_version.id"))
    #: Time of the completion that counts.
    completed_at: Mapped[datetime | None]
    #: The person's unit when computed.
    unit_id: Mapped[int | None] = mapped_column(Integer)
    #: Lower-cased "family given" name, for sorting without a join.
    sort_name: Mapped[str] = mapped_column(String(400), default="")

    __table_args__ = (
        one_of("state", STATUS_STATES),
        Index("ix_training_status_todo", "requirement_id", "done", "due_on", "sort_name"),
        Index("ix_training_status_unit", "requirement_id", "unit_id"),
        # Exports read people by name in keyset batches.
        Index("ix_training_status_name", "requirement_id", "sort_name", "person_id"),
    )


class TeamSummary(Base):
    """Cache: counts for everyone below a manager, for their direct reports, and per sub-unit."""

    __tablename__ = "training_team_summary"

    #: The requirement.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"), primary_key=True)
    #: The manager.
    manager_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: "all" (everyone below), "direct" (direct reports) or "unit" (one sub-unit).
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: The sub-unit for kind "unit" (0 for people without a unit and for the other kinds).
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    #: People covered.
    required: Mapped[int] = mapped_column(Integer, default=0)
    #: Completed.
    completed: Mapped[int] = mapped_column(Integer, default=0)
    #: In progress.
    in_progress: Mapped[int] = mapped_column(Integer, default=0)
    #: Not started.
    not_started: Mapped[int] = mapped_column(Integer, default=0)
    #: Overdue.
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    #: Exempt.
    exempt: Mapped[int] = mapped_column(Integer, default=0)


class UnitSummary(Base):
    """Cache: counts per unit, for the region page. "own" counts the people placed in the unit
    itself (unit 0: people without a unit); "subtree" counts everyone in the unit and below it
    (unit 0: the whole region)."""

    __tablename__ = "training_unit_summary"

    #: The requirement.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"), primary_key=True)
    #: "own" (people placed in the unit) or "subtree" (everyone in it and below).
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: The unit (0: no unit for "own", the whole region for "subtree"; no foreign key: derived data).
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: People covered.
    required: Mapped[int] = mapped_column(Integer, default=0)
    #: Completed.
    completed: Mapped[int] = mapped_column(Integer, default=0)
    #: In progress.
    in_progress: Mapped[int] = mapped_column(Integer, default=0)
    #: Not started.
    not_started: Mapped[int] = mapped_column(Integer, default=0)
    #: Overdue.
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    #: Exempt.
    exempt: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (one_of("kind", UNIT_SUMMARY_KINDS),)


class TrainingRefresh(Base):
    """Cache stamp: which day the status cache of a requirement was computed for."""

    __tablename__ = "training_refresh"

    #: The requirement.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"), primary_key=True)
    #: The local date the cached statuses hold for.
    computed_for: Mapped[date | None] = mapped_column(Date)
    #: When they were computed.
    computed_at: Mapped[datetime | None]
    #: Set by a write that changes every status (a requirement or version change, a directory
    #: sync); the scheduler's refresh recomputes within TRAINING_REFRESH_SECONDS. Reads never do.
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)


class RefreshQueue(Base):
    """People whose cached statuses a write could not update itself (another process was
    recomputing the requirement); the scheduler's refresh updates them and removes the rows."""

    __tablename__ = "training_refresh_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person whose facts changed (no foreign key: the queue is drained, never joined).
    person_id: Mapped[int] = mapped_column(Integer)
    #: When the change was queued.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
