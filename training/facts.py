"""Loads what `training.status` needs, in a few queries for any number of people.

`statuses()` is the bulk variant every page, export, snapshot and the status cache use:
one query per kind of row (people, completions, exemptions), then Python over the rows.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from flask import g, has_request_context
from sqlalchemy import Select, func, select

from extensions import db
from main.i18n import local_tz
from models import Completion, CourseVersion, Exemption, Person, Requirement, RequirementUnit, Unit
from models.base import bulk_read, fast_utc, ids_in
from training.status import CompletionFact, ExemptionFact, PersonFacts, Rule, Status, bulk_statuses


def rule_for(requirement: Requirement) -> Rule:
    versions = dict(db.session.execute(
        select(CourseVersion.id, CourseVersion.published_on).where(CourseVersion.course_id == requirement.course_id)
    ).tuples().all())
    unit_ids = None
    if requirement.audience == "units":
        unit_ids = frozenset(db.session.scalars(
            select(RequirementUnit.unit_id).where(RequirementUnit.requirement_id == requirement.id)
        ))
    return Rule(
        requirement_id=requirement.id, course_id=requirement.course_id, versions=versions,
        due_on=requirement.due_on, new_starter_days=requirement.new_starter_days,
        renewal_months=requirement.renewal_months, current_version_id=requirement.current_version_id,
        transition_on=requirement.transition_on, unit_ids=unit_ids,
    )


def _restrict(stmt: Select, column, person_ids: Select | list[int] | None) -> Select:
    if person_ids is None:
        return stmt
    if isinstance(person_ids, Select):
        return stmt.where(column.in_(person_ids))
    return stmt.where(ids_in(column, person_ids))


def people_facts(person_ids: Select | list[int] | None = None) -> list[PersonFacts]:
    """Active people (optionally only those in `person_ids`) with their unit paths."""
    stmt = (
        select(Person.id, Person.start_date, Unit.path, fast_utc(Person.created_at))
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .where(Person.active.is_(True))
    )
    rows = bulk_read(db.session, _restrict(stmt, Person.id, person_ids)).all()
    first_load = _first_load_day()
    tz = local_tz()
    return [PersonFacts(pid, True, start, path,
                        _first_seen(start, created, first_load, tz)) for pid, start, path, created in rows]


def _first_load_day() -> date | None:
    """The day the directory was first loaded: people already there then are not new starters."""
    first = db.session.scalar(select(func.min(fast_utc(Person.created_at))))
    return first.astimezone(local_tz()).date() if first else None


def _first_seen(start: date | None, created: datetime | None, first_load: date | None, tz) -> date | None:
    if start is not None or created is None or first_load is None:
        return None
    seen = created.astimezone(tz).date()
    return seen if seen > first_load else None


def completion_facts(course_id: int, person_ids: Select | list[int] | None = None) -> dict[int, list[CompletionFact]]:
    versions = select(CourseVersion.id).where(CourseVersion.course_id == course_id)
    stmt = select(Completion.person_id, Completion.version_id, Completion.state, fast_utc(Completion.completed_at)).where(
        Completion.version_id.in_(versions)
    )
    by_person: dict[int, list[CompletionFact]] = defaultdict(list)
    for pid, vid, state, at in bulk_read(db.session, _restrict(stmt, Completion.person_id, person_ids)):
        by_person[pid].append(CompletionFact(vid, state, at))
    return by_person


def exemption_facts(person_ids: Select | list[int] | None = None) -> dict[int, list[ExemptionFact]]:
    stmt = select(Exemption.person_id, Exemption.course_id, Exemption.starts_on, Exemption.ends_on).where(
        Exemption.revoked_at.is_(None)
    )
    by_person: dict[int, list[ExemptionFact]] = defaultdict(list)
    for pid, cid, starts, ends in bulk_read(db.session, _restrict(stmt, Exemption.person_id, person_ids)):
        by_person[pid].append(ExemptionFact(cid, starts, ends))
    return by_person


def statuses(requirement: Requirement, now: datetime, person_ids: Select | list[int] | None = None,
             rule: Rule | None = None) -> dict[int, Status]:
    """{person id: status} for everyone covered (optionally among `person_ids`)."""
    rule = rule or rule_for(requirement)
    return bulk_statuses(
        rule, people_facts(person_ids), completion_facts(requirement.course_id, person_ids),
        exemption_facts(person_ids), now, local_tz(),
    )


def status_of(requirement: Requirement, person: Person, now: datetime) -> Status | None:
    """One person's status (None if the requirement does not apply to them)."""
    return statuses(requirement, now, [person.id]).get(person.id)


def active_requirements() -> list[Requirement]:
    """Active requirements, oldest first (read once per request: every page needs them)."""
    if has_request_context() and "training_requirements" in g:
        return g.training_requirements
    found = list(db.session.scalars(
        select(Requirement).where(Requirement.active.is_(True)).order_by(Requirement.id)
    ))
    if has_request_context():
        g.training_requirements = found
    return found
