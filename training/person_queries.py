"""Reads for one person's training pages ("Min utbildning", a person's training, the start
page) and the small look-ups their forms need."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from auth.access import visible_person_ids
from extensions import db
from models import Completion, Course, CourseVersion, Exemption, Person, Requirement
from training import facts
from training.status import Status


@dataclass
class PersonTraining:
    requirement: Requirement
    status: Status | None
    course_url: str


def person_training(person: Person, now: datetime, default_url: str) -> list[PersonTraining]:
    """The person's status for every active requirement, computed live (always current)."""
    return [
        PersonTraining(r, facts.status_of(r, person, now), r.course.url or default_url)
        for r in facts.active_requirements()
    ]


def person_or_404(person_id: int) -> Person:
    """The person a training page is about, with their unit (the page names it) and without
    their role grants (it shows none; `Person.grants` loads them with every person otherwise):
    one statement instead of three."""
    person = db.session.get(Person, person_id, options=[joinedload(Person.unit), lazyload(Person.grants)])
    if person is None:
        abort(404)
    return person


def person_history(person: Person) -> list[tuple[Completion, CourseVersion]]:
    return list(db.session.execute(
        select(Completion, CourseVersion).join(CourseVersion, CourseVersion.id == Completion.version_id)
        .where(Completion.person_id == person.id)
        .order_by(Completion.completed_at.desc().nulls_last(), Completion.id.desc())
    ).tuples())


def person_exemptions(person: Person) -> list[Exemption]:
    return list(db.session.scalars(
        select(Exemption).where(Exemption.person_id == person.id).order_by(Exemption.starts_on.desc())))


def courses(by_name: bool = True) -> list[Course]:
    stmt = select(Course)
    return list(db.session.scalars(stmt.order_by(Course.name) if by_name else stmt))


def course(course_id: int | None) -> Course | None:
    return db.session.get(Course, course_id) if course_id else None


def visible_people(ids: Iterable[int], viewer: Person) -> list[Person]:
    """The people among `ids` that `viewer` may see."""
    return list(db.session.scalars(select(Person).where(
        Person.id.in_(list(ids)), Person.id.in_(visible_person_ids(viewer)))))
