"""Reminders people ask for: "Remind now" from the team page or a person's page, the
admins' preview with a real person's data, and what the pages show ("last reminded")."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from flask import current_app
from sqlalchemy import func, select

import audit
from extensions import db
from jobs.workdays import next_working_moment, office_hours
from main.i18n import local_tz
from models import CourseVersion, Person, Requirement
from models.reminders import DIGEST, EMPLOYEE, MANUAL, RENEWAL, Reminder
from outbox import operations as outbox
from reminders.texts import (
    ListedPerson,
    Values,
    employee_values,
    list_values,
    recipient_locale,
    render,
    renewal_values,
    wording,
)
from training import facts
from training.status import OVERDUE, local_date


@dataclass
class ManualReport:
    """What "Remind now" did, by name, for the flash messages."""

    sent: list[str] = field(default_factory=list)
    #: Done or exempt (or not covered): nothing to remind about.
    done: list[str] = field(default_factory=list)
    #: Already reminded by hand today as often as allowed.
    limited: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    #: When the reminders go out (later than now outside office hours).
    send_at: datetime | None = None


def active_manager(person: Person) -> Person | None:
    """The nearest active manager above the person (one who left is skipped), as the rounds do."""
    seen, manager = {person.id}, person.manager
    while manager is not None and not manager.active and manager.id not in seen:
        seen.add(manager.id)
        manager = manager.manager
    return manager if manager is not None and manager.active else None


def manual_counts(person_ids: list[int], now: datetime, kept_only: bool = False) -> dict[int, int]:
    """How many times each person was reminded by hand today (local day), whatever the course;
    with `kept_only`, leaving out reminders taken back with "Ångra" before they were sent."""
    midnight = datetime.combine(local_date(now, local_tz()), time(0), tzinfo=local_tz())
    stmt = select(Reminder.person_id, func.count()).where(
        Reminder.kind == MANUAL, Reminder.person_id.in_(person_ids), Reminder.created_at >= midnight)
    if kept_only:
        stmt = stmt.where(Reminder.outcome != "undone")
    return dict(db.session.execute(stmt.group_by(Reminder.person_id)).tuples().all())


def remind_now(requirement: Requirement, people: list[Person], by: Person, now: datetime) -> ManualReport:
    """Queue a reminder to each of `people` not done, at most REMINDER_MANUAL_PER_DAY each per day.

    The caller has checked that `by` may see every one of them. Outside office hours the
    reminders wait for the next working morning. Audited.
    """
    cfg = current_app.config
    limit = max(1, cfg["REMINDER_MANUAL_PER_DAY"])
    report = ManualReport(send_at=next_working_moment(now, local_tz(), *office_hours(cfg)))
    statuses = facts.statuses(requirement, now, [p.id for p in people])
    counts = manual_counts([p.id for p in people], now)  # numbers the outbox keys
    kept = manual_counts([p.id for p in people], now, kept_only=True)  # the daily limit
    today = local_date(now, local_tz()).isoformat()
    for person in people:
        status = statuses.get(person.id)
        if status is None or status.done:
            report.done.append(person.name)
            continue
        n = counts.get(person.id, 0)
        if kept.get(person.id, 0) >= limit:
            report.limited.append(person.name)
            continue
        locale = recipient_locale(person.locale)
        values = employee_values(person, active_manager(person), status.state, status.due_on, requirement)
        rendered = render(wording(EMPLOYEE, locale), values, locale)
        result = outbox.enqueue(f"reminder-manual:{requirement.id}:{person.id}:{today}:{n + 1}", to=person,
                                subject=rendered.subject, text=rendered.text, html=rendered.html,
                                send_after=report.send_at, created_by=by, now=now,
                                related=("training_reminder", requirement.id))
        if result.outcome == outbox.DUPLICATE:  # pressed twice at once
            report.limited.append(person.name)
            continue
        db.session.add(Reminder(requirement_id=requirement.id, person_id=person.id, kind=MANUAL,
                                due_on=status.due_on, outcome=result.outcome, outbox_message_id=result.message_id,
                                created_by_id=by.id, created_at=now))
        (report.sent if result.ok else report.no_address).append(person.name)
    audit.record("training.reminder.manual", "requirement", requirement.id,
                 {"people": [p.id for p in people], "sent": len(report.sent)}, actor_id=by.id, commit=False)
    return report


def sent_counts(since: datetime) -> dict[str, int]:
    """Reminders queued since `since`, per kind (the admins' overview)."""
    return dict(db.session.execute(
        select(Reminder.kind, func.count()).where(Reminder.created_at >= since, Reminder.outcome == outbox.QUEUED)
        .group_by(Reminder.kind)).tuples().all())


def find_person(query: str) -> Person | None:
    """A person by username or e-mail address (either case), for a preview."""
    query = query.strip().lower()
    return db.session.scalar(select(Person).where(
        (func.lower(Person.username) == query) | (func.lower(Person.email) == query)).order_by(Person.id).limit(1))


def last_reminded(requirement: Requirement, person_ids: list[int]) -> dict[int, datetime]:
    """When each person was last reminded about `requirement` (a round or by hand), for the pages."""
    if not person_ids:
        return {}
    return dict(db.session.execute(
        select(Reminder.person_id, func.max(Reminder.created_at)).where(
            Reminder.requirement_id == requirement.id, Reminder.person_id.in_(person_ids),
            Reminder.kind.in_((EMPLOYEE, MANUAL)), Reminder.outcome == outbox.QUEUED)
        .group_by(Reminder.person_id)).tuples().all())


def sample_values(kind: str, person: Person, requirement: Requirement, now: datetime) -> tuple[Values, list[int]]:
    """Placeholder values for a preview, and the ids of the people it shows: `person` as the
    employee, or as the manager (digest) or the manager's manager (escalation) with their
    real people not done (overdue, for an escalation)."""
    if kind == EMPLOYEE:
        status = facts.status_of(requirement, person, now)
        state, due = (status.state, status.due_on) if status else ("not_started", requirement.due_on)
        return employee_values(person, active_manager(person), state, due, requirement), [person.id]
    if kind == RENEWAL:
        status = facts.status_of(requirement, person, now)
        return renewal_values(person, active_manager(person), _older_version_name(requirement, status), requirement), \
            [person.id]
    reports = _reports_of([person.id])
    if kind == DIGEST:
        lines = _lines(requirement, reports, now, lambda s: not s.done)
        return list_values(person, requirement, [line for _p, line in lines]), [p.id for p, _l in lines]
    names: dict[int | None, str] = {p.id: p.name for p in reports}  # keyed by manager_id below
    grouped: dict[str, list[ListedPerson]] = defaultdict(list)
    shown = []
    lines = _lines(requirement, _reports_of([p.id for p in reports]), now, lambda s: s.state == OVERDUE)
    for p, line in sorted(lines, key=lambda pl: (names[pl[0].manager_id], pl[1].name)):
        grouped[names[p.manager_id]].append(line)
        shown.append(p.id)
    days = current_app.config["REMINDER_ESCALATE_AFTER_DAYS"]
    return list_values(person, requirement, dict(grouped), days=days), shown


def _older_version_name(requirement: Requirement, status) -> str:
    """The older version `status` is done with, else the course's newest version before the current one."""
    if status is not None and status.version_id and status.version_id != requirement.current_version_id:
        done = db.session.get(CourseVersion, status.version_id)
        if done is not None:
            return done.name
    versions = db.session.scalars(select(CourseVersion).where(CourseVersion.course_id == requirement.course_id)
                                  .order_by(CourseVersion.published_on.desc(), CourseVersion.id.desc()))
    names = [v.name for v in versions if v.id != requirement.current_version_id]
    return names[0] if names else requirement.course.name


def _reports_of(manager_ids: list[int]) -> list[Person]:
    if not manager_ids:
        return []
    return list(db.session.scalars(select(Person).where(Person.manager_id.in_(manager_ids),
                                                        Person.active.is_(True))))


def _lines(requirement: Requirement, people: list[Person], now: datetime, keep) -> list[tuple[Person, ListedPerson]]:
    statuses = facts.statuses(requirement, now, [p.id for p in people])
    return sorted(((p, ListedPerson(p.name, p.unit.name if p.unit else "", statuses[p.id].state,
                                    statuses[p.id].due_on))
                   for p in people if p.id in statuses and keep(statuses[p.id])), key=lambda pl: pl[1].name)
