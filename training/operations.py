"""Writes: courses, versions, requirements (idempotent, for the admin UI and the CLI),
exemptions, and undoing an import. Course and requirement changes mark the status cache
dirty in the same transaction; after exemptions and undos the caller, once it has
committed, refreshes the people concerned (`training.freshness`). Callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select

import audit
from campaign import markup
from extensions import db
from models import (
    Completion,
    Course,
    CourseVersion,
    Exemption,
    ImportBatch,
    Person,
    Requirement,
    RequirementUnit,
    Unit,
)
from models.base import affected
from training.refresh import mark_dirty


class TrainingError(Exception):
    """A refused change. `code` picks the Swedish text in the UI; the message is English (CLI)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Outcome:
    obj: Any
    #: "created", "updated" or "unchanged" (the commands are idempotent).
    result: str


def _apply(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def ensure_course(code: str, name: str, url: str | None = None, duration_minutes: int | None = None) -> Outcome:
    """Create or update a course by code; `url` and `duration_minutes` None leave them as they are
    (a duration of 0 means unknown)."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not code or len(code) > 40 or any(c.isspace() for c in code):
        raise TrainingError("bad_code", "A course code is 1-40 characters without spaces.")
    if not name:
        raise TrainingError("no_name", "A course needs a name.")
    course = db.session.scalar(select(Course).where(Course.code == code))
    if duration_minutes is not None and not 0 <= duration_minutes <= 1440:
        raise TrainingError("bad_duration", "A course takes 1-1440 minutes (0 = unknown).")
    if url is not None and markup.url_refusal(url):  # it becomes a link in every reminder
        raise TrainingError("bad_url", "The course link must be an https://, http:// or mailto: address.")
    values: dict[str, str | int | None] = {"name": name[:200]}
    if url is not None:
        values["url"] = url.strip()[:1000]
    if duration_minutes is not None:
        values["duration_minutes"] = duration_minutes or None
    if course is None:
        course = Course(code=code, **{"url": "", **values})
        db.session.add(course)
        db.session.flush()
        return Outcome(course, "created")
    return Outcome(course, "updated" if _apply(course, values) else "unchanged")


def ensure_version(course: Course, name: str, published_on: date, lms_name: str | None = None) -> Outcome:
    """Create or update a version of `course` by its name; `lms_name` defaults to the name."""
    name = (name or "").strip()
    lms_name = (lms_name or name).strip()
    if not name or not lms_name:
        raise TrainingError("no_name", "A version needs a name.")
    clash = db.session.scalar(select(CourseVersion).where(func.lower(CourseVersion.lms_name) == lms_name.lower()))
    version = db.session.scalar(
        select(CourseVersion).where(CourseVersion.course_id == course.id, CourseVersion.name == name)
    )
    if clash is not None and clash is not version:
        raise TrainingError("lms_name_taken", f"Another version already has the LMS name {lms_name!r}.")
    values = {"lms_name": lms_name[:200], "published_on": published_on}
    if version is None:
        version = CourseVersion(course_id=course.id, name=name[:200], **values)
        db.session.add(version)
        db.session.flush()
        db.session.expire(course, ["versions"])
        mark_dirty()
        return Outcome(version, "created")
    changed = _apply(version, values)
    if changed:
        mark_dirty()
    return Outcome(version, "updated" if changed else "unchanged")


@dataclass
class RequirementSpec:
    """What a requirement should say (from the admin form or the command line)."""

    name: str
    due_on: date | None = None
    audience: str = "all"
    unit_ids: tuple[int, ...] = ()
    new_starter_days: int | None = None
    renewal_months: int | None = None
    current_version_id: int | None = None
    transition_on: date | None = None
    active: bool = True


def _check_spec(course: Course, spec: RequirementSpec) -> None:
    if not spec.name.strip():
        raise TrainingError("no_name", "A requirement needs a name.")
    if spec.audience not in ("all", "units"):
        raise TrainingError("bad_audience", "Audience is 'all' or 'units'.")
    if spec.audience == "units" and not spec.unit_ids:
        raise TrainingError("no_units", "Choose at least one unit for a unit requirement.")
    if spec.unit_ids and db.session.scalar(select(func.count()).select_from(Unit).where(
            Unit.id.in_(spec.unit_ids))) != len(set(spec.unit_ids)):
        raise TrainingError("unknown_unit", "One of the units does not exist.")
    if spec.new_starter_days is not None and not 0 <= spec.new_starter_days <= 365:
        raise TrainingError("bad_days", "New starters get 0-365 days.")
    if spec.renewal_months is not None and not 1 <= spec.renewal_months <= 120:
        raise TrainingError("bad_months", "Renewal is every 1-120 months.")
    if spec.due_on is None and spec.new_starter_days is None and spec.renewal_months is None:
        raise TrainingError("no_due", "Give a due date, a new-starter window or a renewal period.")
    if spec.transition_on is not None and spec.current_version_id is None:
        raise TrainingError("transition_without_version", "A transition date needs the version that counts.")
    if spec.current_version_id is not None and spec.current_version_id not in {v.id for v in course.versions}:
        raise TrainingError("foreign_version", "The version that counts must be a version of the course.")


def save_requirement(course: Course, spec: RequirementSpec, existing: Requirement | None = None) -> Outcome:
    """The admin form's save: like `ensure_requirement`, and renaming `existing` keeps the same requirement."""
    if existing is not None and existing.name != spec.name.strip():
        existing.name = spec.name.strip()
    return ensure_requirement(course, spec)


def ensure_requirement(course: Course, spec: RequirementSpec) -> Outcome:
    """Create or update a requirement by name."""
    _check_spec(course, spec)
    requirement = db.session.scalar(select(Requirement).where(Requirement.name == spec.name.strip()))
    values = {
        "course_id": course.id, "audience": spec.audience, "due_on": spec.due_on,
        "new_starter_days": spec.new_starter_days, "renewal_months": spec.renewal_months,
        "current_version_id": spec.current_version_id, "transition_on": spec.transition_on, "active": spec.active,
    }
    created = requirement is None
    if requirement is None:
        requirement = Requirement(name=spec.name.strip()[:200], **values)
        db.session.add(requirement)
        db.session.flush()
        changed = True
    else:
        changed = _apply(requirement, values)
    wanted = set(spec.unit_ids) if spec.audience == "units" else set()
    have = set(db.session.scalars(select(RequirementUnit.unit_id).where(RequirementUnit.requirement_id == requirement.id)))
    if wanted != have:
        db.session.execute(delete(RequirementUnit).where(
            RequirementUnit.requirement_id == requirement.id, RequirementUnit.unit_id.in_(have - wanted)))
        db.session.add_all(RequirementUnit(requirement_id=requirement.id, unit_id=u) for u in wanted - have)
        db.session.flush()
        db.session.expire(requirement, ["units"])
        changed = True
    if changed:
        mark_dirty()
    return Outcome(requirement, "created" if created else "updated" if changed else "unchanged")


def add_exemption(person: Person, reason: str, ends_on: date, *, starts_on: date, by: Person | None,
                  course: Course | None = None) -> Exemption:
    """Exempt `person` (from `course`, or from every course) until `ends_on`; audited."""
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError("no_reason", "An exemption needs a reason.")
    if ends_on < starts_on:
        raise TrainingError("ends_before_start", "The end date is before the start date.")
    exemption = Exemption(person_id=person.id, course_id=course.id if course else None, reason=reason[:500],
                          starts_on=starts_on, ends_on=ends_on, created_by_id=by.id if by else None)
    db.session.add(exemption)
    db.session.flush()
    audit.record("training.exemption.create", "person", person.id,
                 {"exemption": exemption.id, "course": course.code if course else None,
                  "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
                 actor_id=by.id if by else None, commit=False)
    return exemption


def revoke_exemption(exemption: Exemption, by: Person | None, now: datetime) -> bool:
    """End an exemption early; audited. False if it was already revoked."""
    if exemption.revoked_at is not None:
        return False
    exemption.revoked_at, exemption.revoked_by_id = now, by.id if by else None
    audit.record("training.exemption.revoke", "person", exemption.person_id, {"exemption": exemption.id},
                 actor_id=by.id if by else None, commit=False)
    return True


def undoable(batch: ImportBatch) -> bool:
    """Only the newest import still in force can be undone: a later import may have built
    on its rows (reported them as unchanged), and undoing under it would lose data. A later
    import that added nothing ("unchanged") built nothing, so it never blocks."""
    if batch.status != "imported":
        return False
    later = db.session.scalar(select(func.count()).select_from(ImportBatch).where(
        ImportBatch.id > batch.id, ImportBatch.status == "imported"))
    return later == 0


def undo_import(batch: ImportBatch, by: Person | None, now: datetime) -> int:
    """Remove the completions a mistaken import added; returns how many. Audited."""
    if not undoable(batch):
        raise TrainingError("not_undoable", "Only the newest import still in force can be undone.")
    removed = affected(db.session.execute(delete(Completion).where(Completion.batch_id == batch.id)))
    batch.status, batch.undone_at, batch.undone_by_id = "undone", now, by.id if by else None
    audit.record("training.import.undo", "import", batch.id, {"removed": removed, "file": batch.filename},
                 actor_id=by.id if by else None, commit=False)
    return removed


def batch_people(batch: ImportBatch) -> set[int]:
    """The people an import added completions for (ask before undoing it)."""
    return set(db.session.scalars(select(Completion.person_id).where(Completion.batch_id == batch.id).distinct()))
