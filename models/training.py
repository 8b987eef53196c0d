"""Mandatory training ("Säkert Beteende"): courses, versions, requirements, exemptions,
completions with their provenance and KPI snapshots. The derived status cache that keeps the team
pages fast is in `models.status_cache`; import batches, column mappings and API tokens in `models.lms`."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of, utcnow
from models.directory import Person, Unit

#: Completion states as stored (what the LMS told us); "not started" is never stored.
COMPLETED = "completed"
IN_PROGRESS = "in_progress"
#: Where a completion came from.
COMPLETION_SOURCES = ("import", "api", "demo")
#: `PersonStatus.state` values (as training.status.STATES).
STATUS_STATES = ("completed", "in_progress", "not_started", "overdue", "exempt")


class Course(Base):
    """A course on the LMS, e.g. "Säkert Beteende"."""

    __tablename__ = "training_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used by the CLI and the import ("SB").
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: Display name ("Säkert Beteende").
    name: Mapped[str] = mapped_column(String(200))
    #: Link to the course on the LMS; empty means use the COURSE_URL setting.
    url: Mapped[str] = mapped_column(String(1000), default="")
    #: How long the course takes, in minutes (told in reminders); None if unknown.
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    #: When the course was added.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", order_by="CourseVersion.published_on"
    )


class CourseVersion(Base):
    """One published version of a course; every completion belongs to one version."""

    __tablename__ = "training_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The course.
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    #: Display name ("Säkert Beteende 2024").
    name: Mapped[str] = mapped_column(String(200))
    #: The course name the LMS writes in its reports for this version (matched case-insensitively).
    lms_name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Publication date; orders versions (newer = published later).
    published_on: Mapped[date] = mapped_column(Date)
    #: When the version was added.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="versions")


class Requirement(Base):
    """Who must complete which course by when."""

    __tablename__ = "training_requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The course to complete.
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    #: Name shown to admins ("Säkert Beteende för all personal").
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: "all" (every active person) or "units" (people in the chosen units and below).
    audience: Mapped[str] = mapped_column(String(10), default="all")
    #: Due date for current staff; None means only the new-starter window applies.
    due_on: Mapped[date | None] = mapped_column(Date)
    #: New starters have this many days from their start date (None = same due date as everyone).
    new_starter_days: Mapped[int | None] = mapped_column(Integer)
    #: A completion counts for this many months (None = it never expires).
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    #: The version that counts after the transition date (None = every version counts).
    current_version_id: Mapped[int | None] = mapped_column(ForeignKey("training_version.id"))
    #: Completions of versions older than `current_version` stop counting after this date.
    transition_on: Mapped[date | None] = mapped_column(Date)
    #: Inactive requirements are kept for history but no longer shown or counted.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last change.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")
    current_version: Mapped[CourseVersion | None] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary="training_requirement_unit")


class RequirementUnit(Base):
    """A unit (with everything below it) that a unit-scoped requirement applies to."""

    __tablename__ = "training_requirement_unit"

    #: The requirement.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"), primary_key=True)
    #: The unit; its sub-units are included.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class Exemption(Base):
    """A person need not complete a course (or any course) until an end date."""

    __tablename__ = "training_exemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who is exempt.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: The course; None means every course.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("training_course.id"))
    #: Why ("Långtidssjukskriven", "Föräldraledig", …); visible to the person's managers and admins.
    reason: Mapped[str] = mapped_column(String(500))
    #: First day of the exemption.
    starts_on: Mapped[date] = mapped_column(Date)
    #: Last day of the exemption.
    ends_on: Mapped[date] = mapped_column(Date)
    #: Who set it (the person's manager or an admin; None from the CLI).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was set.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was withdrawn early (None while in force).
    revoked_at: Mapped[datetime | None]
    #: Who withdrew it.
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    course: Mapped[Course | None] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])


class Completion(Base):
    """What the LMS reported for a person and a course version: completed at a time, or started."""

    __tablename__ = "training_completion"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: The course version.
    version_id: Mapped[int] = mapped_column(ForeignKey("training_version.id"))
    #: "completed" or "in_progress".
    state: Mapped[str] = mapped_column(String(12))
    #: When it was completed (None for "in_progress").
    completed_at: Mapped[datetime | None]
    #: "import", "api" or "demo".
    source: Mapped[str] = mapped_column(String(10))
    #: The import that brought it (provenance; None for the API). Not indexed on purpose:
    #: only an undo looks rows up by it, and every index slows the 55,000-row import.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("training_import_batch.id"))
    #: The API token that pushed it (provenance; None for imports).
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    #: When we recorded it.
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        one_of("state", (COMPLETED, IN_PROGRESS)),
        one_of("source", COMPLETION_SOURCES),
        # Idempotency key: one row per (person, version, completion time); NULL times
        # (in progress) are kept to one per person and version by the importer. Bulk reads
        # by version scan the table (one course's versions are most of it anyway).
        Index("uq_training_completion_person_version_at", "person_id", "version_id", "completed_at", unique=True),

    )


class KpiSnapshot(Base):
    """Counts for one unit (its own members) for one requirement on one date.

    Unit names are copied so history survives reorganisations and leavers.
    """

    __tablename__ = "training_kpi_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The date the numbers describe (a quarter's last day for scheduled snapshots).
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    #: When they were computed.
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: "quarter" (scheduled) or "manual" (on demand).
    kind: Mapped[str] = mapped_column(String(10), default="manual")
    #: The requirement counted.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"))
    #: The unit then (None for people without a unit); may be renamed or moved since.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    #: The unit's key then ("" for people without a unit).
    unit_key: Mapped[str] = mapped_column(String(400))
    #: The unit's name then.
    unit_name: Mapped[str] = mapped_column(String(200))
    #: Key of the förvaltning (top-level unit) the unit belonged to then.
    top_unit_key: Mapped[str] = mapped_column(String(400))
    #: Name of that förvaltning then.
    top_unit_name: Mapped[str] = mapped_column(String(200))
    #: People covered by the requirement (every status below adds up to this).
    required: Mapped[int] = mapped_column(Integer, default=0)
    #: Completed with a version that counts.
    completed: Mapped[int] = mapped_column(Integer, default=0)
    #: Started, not yet due.
    in_progress: Mapped[int] = mapped_column(Integer, default=0)
    #: Not started, not yet due.
    not_started: Mapped[int] = mapped_column(Integer, default=0)
    #: Past their due date without a completion that counts.
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    #: Exempt on that date.
    exempt: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("uq_training_kpi_snapshot_req_day_unit", "requirement_id", "taken_on", "unit_key", unique=True),
    )
