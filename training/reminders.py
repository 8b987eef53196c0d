"""Reminder rounds, the managers' digests, escalation, and "Remind now".

The rules (pure functions of the data and `today`):

- A round is a number of days relative to a person's due date (REMINDER_ROUNDS,
  default -14, 0, 7). Its day is the first Swedish working day on or after
  due date + offset. It goes out from that day on, within office hours, and for at most
  REMINDER_LATE_DAYS more days (a scheduler that was down catches up; a round long past
  is not sent years later). When two rounds are open at once, only the later one goes.
- Everyone not done (not started, in progress, overdue) gets the round's reminder once:
  the record (`Reminder`) and the outbox's idempotency key both say so.
- Each manager gets one digest per run that reminded any of their direct reports, listing
  those people, instead of one mail per employee. A round's reminders go out in the first
  run of its day, so that is one digest per round; people who appear later that day (a
  new starter from the directory sync) come in a second, shorter digest.
- People still overdue REMINDER_ESCALATE_AFTER_DAYS after their due date are escalated
  once (per due date) to their manager's manager, grouped by manager.

Everything is written in the caller's transaction; `run_round` is the scheduled job's
body and the CLI's, `remind_now` is the team page's button.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable, NamedTuple

from flask import current_app
from sqlalchemy import func, insert, select

import audit
from extensions import db
from jobs.workdays import is_working_day, next_working_moment, office_hours, within_office_hours
from main.i18n import local_tz
from models import Person, PersonStatus, Requirement, Unit
from models.reminders import DIGEST, EMPLOYEE, ESCALATED, ESCALATION, MANUAL, Reminder
from outbox import operations as outbox
from training import facts, refresh
from training.reminder_texts import ListedPerson, Values, format_day, format_minutes, recipient_locale, render
from training.reminder_texts import STATUS_WORDS, Wording, wording
from training.status import DONE_STATES, OVERDUE, local_date


# --- the rules ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    #: Round offsets in days relative to the due date, ascending.
    offsets: tuple[int, ...]
    #: Days after a round's day that it may still go out.
    late_days: int
    #: Days after the due date that overdue people are escalated (None = never).
    escalate_after: int | None


def parse_rounds(raw: str) -> tuple[int, ...]:
    """"-14,0,7" -> (-14, 0, 7); a clear ValueError for anything else."""
    try:
        offsets = sorted({int(part) for part in raw.replace(" ", "").split(",") if part})
    except ValueError:
        raise ValueError(f"REMINDER_ROUNDS must be whole numbers of days separated by commas, got {raw!r}") from None
    if any(abs(o) > 365 for o in offsets):
        raise ValueError(f"REMINDER_ROUNDS must lie within a year of the due date, got {raw!r}")
    return tuple(offsets)


def schedule_from(config) -> Schedule:
    escalate = config["REMINDER_ESCALATE_AFTER_DAYS"]
    return Schedule(parse_rounds(config["REMINDER_ROUNDS"]), max(0, config["REMINDER_LATE_DAYS"]),
                    escalate if escalate and escalate > 0 else None)


def round_day(due_on: date, offset: int) -> date:
    """The first working day on or after due date + offset."""
    day = due_on + timedelta(days=offset)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _open(day: date, today: date, late_days: int) -> bool:
    return day <= today <= day + timedelta(days=late_days)


def current_round(due_on: date | None, today: date, schedule: Schedule) -> int | None:
    """The round open today for someone with this due date (the latest, if several), else None."""
    if due_on is None:
        return None
    found = None
    for offset in schedule.offsets:
        if _open(round_day(due_on, offset), today, schedule.late_days):
            found = offset
    return found


def escalation_open(due_on: date | None, today: date, schedule: Schedule) -> bool:
    """Whether today is within the escalation window for someone overdue since `due_on`."""
    if due_on is None or schedule.escalate_after is None:
        return False
    return _open(round_day(due_on, schedule.escalate_after), today, schedule.late_days)


class Candidate(NamedTuple):
    person_id: int
    state: str
    due_on: date | None


class Planned(NamedTuple):
    person_id: int
    kind: str
    due_on: date
    offset: int


def plan(candidates: Iterable[Candidate], today: date, schedule: Schedule,
         already: set[tuple[int, str, date, int]]) -> list[Planned]:
    """The reminders and escalations due today that have not gone out yet.

    `already` holds (person id, kind, due date, offset) of what was sent before.
    """
    result = []
    for c in candidates:
        if c.state in DONE_STATES or c.due_on is None:
            continue
        offset = current_round(c.due_on, today, schedule)
        if offset is not None and (c.person_id, EMPLOYEE, c.due_on, offset) not in already:
            result.append(Planned(c.person_id, EMPLOYEE, c.due_on, offset))
        if c.state == OVERDUE and escalation_open(c.due_on, today, schedule):
            key = (c.person_id, ESCALATED, c.due_on, schedule.escalate_after)
            if key not in already:
                result.append(Planned(*key))
    return result


def group_by(pairs: Iterable[tuple[int, int | None]]) -> dict[int, list[int]]:
    """[(person, recipient)] -> {recipient: [people]}, in order; people without a recipient are left out."""
    groups: dict[int, list[int]] = defaultdict(list)
    for person_id, recipient_id in pairs:
        if recipient_id is not None:
            groups[recipient_id].append(person_id)
    return dict(groups)


# --- a run -------------------------------------------------------------------------------

@dataclass
class RoundReport:
    """What a run did (or, in a dry run, would do)."""

    dry_run: bool = False
    #: Why nothing was sent ("outside office hours"), else None.
    skipped: str | None = None
    employees: int = 0
    digests: int = 0
    escalations: int = 0
    #: People (or managers) without a usable address, by name.
    no_address: list[str] = field(default_factory=list)
    #: People whose reminder had no manager to tell (no digest, no escalation).
    no_manager: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "dry_run": self.dry_run, "skipped": self.skipped, "employees": self.employees,
                "digests": self.digests, "escalations": self.escalations, "no_address": self.no_address,
                "no_manager": self.no_manager}

    def __str__(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        text = f"{self.employees} reminders, {self.digests} digests, {self.escalations} escalations"
        if self.no_address:
            text += f", {len(self.no_address)} without address"
        return text


def _already(requirement: Requirement, today: date, schedule: Schedule) -> set[tuple[int, str, date, int]]:
    """What went out in the rounds that can still be open (a round is open at most `late_days`)."""
    since = datetime.combine(today - timedelta(days=schedule.late_days), time(0), tzinfo=local_tz())
    rows = db.session.execute(
        select(Reminder.person_id, Reminder.kind, Reminder.due_on, Reminder.round_offset).where(
            Reminder.requirement_id == requirement.id, Reminder.kind.in_((EMPLOYEE, ESCALATED)),
            Reminder.created_at >= since))
    return {tuple(r) for r in rows}


def _candidates(requirement: Requirement) -> list[Candidate]:
    return [Candidate(*row) for row in db.session.execute(
        select(PersonStatus.person_id, PersonStatus.state, PersonStatus.due_on).where(
            PersonStatus.requirement_id == requirement.id, PersonStatus.done.is_(False)))]


def _people(ids: Iterable[int]) -> dict[int, Person]:
    ids = list(set(ids))
    found: dict[int, Person] = {}
    for i in range(0, len(ids), 1000):
        found.update({p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids[i:i + 1000])))})
    return found


def run_round(now: datetime, *, dry_run: bool = False, ignore_office_hours: bool = False) -> RoundReport:
    """Send what the rounds say is due now (the scheduled job; hourly is enough)."""
    cfg = current_app.config
    report = RoundReport(dry_run=dry_run)
    if not ignore_office_hours and not within_office_hours(now, local_tz(), *office_hours(cfg)):
        report.skipped = "outside office hours or not a working day"
        return report
    schedule = schedule_from(cfg)
    today = local_date(now, local_tz())
    refresh.ensure_fresh(now)
    for requirement in facts.active_requirements():
        planned = plan(_candidates(requirement), today, schedule, _already(requirement, today, schedule))
        if planned:
            _Sender(requirement, now, today, schedule, report, dry_run).send(planned)
    return report


def _ids_hash(people: list[Person]) -> str:
    """A short fingerprint of who a digest lists: the same people the same day make the same key."""
    return hashlib.sha256(",".join(str(i) for i in sorted(p.id for p in people)).encode()).hexdigest()[:16]


class _Sender:
    """Queues one run's reminders for one requirement, then the digests and escalations."""

    def __init__(self, requirement: Requirement, now: datetime, today: date, schedule: Schedule,
                 report: RoundReport, dry_run: bool):
        self.requirement, self.now, self.today, self.schedule = requirement, now, today, schedule
        self.report, self.dry_run = report, dry_run
        self.statuses = {c.person_id: c for c in _candidates(requirement)}
        self.texts: dict[tuple[str, str], Wording] = {}
        #: Reminder rows, inserted together at the end (one statement, no flush per mail).
        self.records: list[dict] = []

    def send(self, planned: list[Planned]) -> None:
        people = _people(p.person_id for p in planned)
        managers = _people(p.manager_id for p in people.values() if p.manager_id)
        managers = {i: m for i, m in managers.items() if m.active}
        reminded, escalated = [], []
        for item in planned:
            person = people[item.person_id]
            manager = managers.get(person.manager_id)
            if item.kind == EMPLOYEE:
                if self._employee(person, manager, item):
                    reminded.append((person.id, manager.id if manager else None))
            else:
                escalated.append((item, manager.manager_id if manager else None))
        self.report.no_manager += sum(1 for _, m in reminded if m is None)
        for manager_id, ids in group_by(reminded).items():
            self._digest(managers[manager_id], [people[i] for i in ids])
        skip_levels = {i: p for i, p in _people(s for _, s in escalated if s).items() if p.active}
        by_skip = group_by((item.person_id, skip if skip in skip_levels else None) for item, skip in escalated)
        for skip_id, ids in by_skip.items():
            self._escalation(skip_levels[skip_id], [people[i] for i in ids], managers)
        for item, skip in escalated:
            if skip not in skip_levels:  # recorded, so it is not tried again every hour
                self.report.no_manager += 1
                self._record(people[item.person_id], ESCALATED, item.offset, item.due_on, None, "no_manager")
        if self.records:
            db.session.execute(insert(Reminder.__table__), self.records)

    def _employee(self, person: Person, manager: Person | None, item: Planned) -> bool:
        key = f"reminder:{self.requirement.id}:{person.id}:{item.due_on.isoformat()}:{item.offset}"
        values = employee_values(person, manager, self.statuses[person.id].state, item.due_on, self.requirement)
        result = self._queue(key, person, EMPLOYEE, values)
        if result is not None:
            self._record(person, EMPLOYEE, item.offset, item.due_on, result, result.outcome)
        ok = result is None or result.ok
        self.report.employees += ok
        return ok

    def _digest(self, manager: Person, people: list[Person]) -> None:
        key = f"reminder-digest:{self.requirement.id}:{manager.id}:{self.today.isoformat()}:{_ids_hash(people)}"
        listed = self._listed(people)
        result = self._queue(key, manager, DIGEST, list_values(manager, self.requirement, listed))
        if result is not None:
            self._record(manager, DIGEST, None, None, result, result.outcome, about=people)
        self.report.digests += result is None or result.ok

    def _escalation(self, skip: Person, people: list[Person], managers: dict[int, Person]) -> None:
        key = f"reminder-escalation:{self.requirement.id}:{skip.id}:{self.today.isoformat()}:{_ids_hash(people)}"
        grouped: dict[str, list[ListedPerson]] = defaultdict(list)
        for person in sorted(people, key=lambda p: (managers[p.manager_id].name, p.name)):
            grouped[managers[person.manager_id].name].extend(self._listed([person]))
        values = list_values(skip, self.requirement, dict(grouped))
        values.fields["dagar"] = str(self.schedule.escalate_after)
        result = self._queue(key, skip, ESCALATION, values)
        if result is None:
            self.report.escalations += 1
            return
        self._record(skip, ESCALATION, None, None, result, result.outcome, about=people)
        self.report.escalations += result.ok
        for person in people:
            self._record(person, ESCALATED, self.schedule.escalate_after, self.statuses[person.id].due_on, result,
                         result.outcome)

    def _listed(self, people: list[Person]) -> list[ListedPerson]:
        return listed(people, {p.id: (self.statuses[p.id].state, self.statuses[p.id].due_on) for p in people})

    def _queue(self, key: str, to: Person, kind: str, values: Values) -> outbox.Enqueued | None:
        """Queue one mail (None in a dry run); an address problem is reported by name."""
        if self.dry_run:
            return None
        locale = recipient_locale(to.locale)
        if (kind, locale) not in self.texts:
            self.texts[(kind, locale)] = wording(kind, locale)
        rendered = render(self.texts[(kind, locale)], values, locale)
        result = outbox.enqueue(key, to=to, subject=rendered.subject, text=rendered.text, html=rendered.html,
                                related=("training_reminder", self.requirement.id), now=self.now)
        if not result.ok:
            self.report.no_address.append(to.name)
        return result

    def _record(self, person: Person, kind: str, offset, due_on, result, outcome: str, about=None) -> None:
        if self.dry_run or outcome == outbox.DUPLICATE:
            return
        self.records.append({
            "requirement_id": self.requirement.id, "person_id": person.id, "kind": kind, "round_offset": offset,
            "due_on": due_on, "outcome": outcome, "created_at": self.now, "created_by_id": None,
            "outbox_message_id": result.message_id if result is not None else None,
            "about": ",".join(str(p.id) for p in about) if about else None})


# --- "Remind now" ------------------------------------------------------------------------

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


def manual_counts(person_ids: list[int], now: datetime) -> dict[int, int]:
    """How many times each person was reminded by hand today (local day)."""
    midnight = datetime.combine(local_date(now, local_tz()), time(0), tzinfo=local_tz())
    return dict(db.session.execute(
        select(Reminder.person_id, func.count()).where(
            Reminder.kind == MANUAL, Reminder.person_id.in_(person_ids), Reminder.created_at >= midnight)
        .group_by(Reminder.person_id)).all())


def remind_now(requirement: Requirement, people: list[Person], by: Person, now: datetime) -> ManualReport:
    """Queue a reminder to each of `people` not done, at most REMINDER_MANUAL_PER_DAY each per day.

    The caller has checked that `by` may see every one of them. Outside office hours the
    reminders wait for the next working morning.
    """
    cfg = current_app.config
    limit = max(1, cfg["REMINDER_MANUAL_PER_DAY"])
    report = ManualReport(send_at=next_working_moment(now, local_tz(), *office_hours(cfg)))
    statuses = facts.statuses(requirement, now, [p.id for p in people])
    counts = manual_counts([p.id for p in people], now)
    managers = _people(p.manager_id for p in people if p.manager_id)
    today = local_date(now, local_tz()).isoformat()
    for person in people:
        status = statuses.get(person.id)
        if status is None or status.done:
            report.done.append(person.name)
            continue
        n = counts.get(person.id, 0)
        if n >= limit:
            report.limited.append(person.name)
            continue
        locale = recipient_locale(person.locale)
        values = employee_values(person, managers.get(person.manager_id), status.state, status.due_on, requirement)
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


def last_reminded(person_ids: list[int]) -> dict[int, datetime]:
    """When each person was last reminded (a round or by hand), for the team page."""
    if not person_ids:
        return {}
    return dict(db.session.execute(
        select(Reminder.person_id, func.max(Reminder.created_at)).where(
            Reminder.person_id.in_(person_ids), Reminder.kind.in_((EMPLOYEE, MANUAL)),
            Reminder.outcome == outbox.QUEUED)
        .group_by(Reminder.person_id)).all())


# --- placeholder values ------------------------------------------------------------------

def course_url(requirement: Requirement) -> str:
    return requirement.course.url or current_app.config["COURSE_URL"]


def team_url(requirement: Requirement) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/training/team?requirement={requirement.id}"


def employee_values(person: Person, manager: Person | None, state: str, due_on: date | None,
                    requirement: Requirement) -> Values:
    locale = recipient_locale(person.locale)
    return Values({
        "förnamn": person.given_name or person.name, "namn": person.name, "kurs": requirement.course.name,
        "sista_datum": format_day(due_on, locale), "status": STATUS_WORDS[locale].get(state, state),
        "kurslänk": course_url(requirement), "kurslängd": format_minutes(requirement.course.duration_minutes, locale),
        "chef": manager.name if manager is not None else ("din chef" if locale == "sv" else "your manager"),
    })


def listed(people: list[Person], states: dict[int, tuple[str, date | None]]) -> list[ListedPerson]:
    """Lines of a digest, by name: (state, due date) from `states`."""
    return [ListedPerson(p.name, p.unit.name if p.unit else "", *states[p.id])
            for p in sorted(people, key=lambda p: p.name)]


def sample_values(kind: str, person: Person, requirement: Requirement, now: datetime) -> Values:
    """Placeholder values for a preview: `person` as the employee, or as the manager (or the
    manager's manager) with their real people not done."""
    if kind == EMPLOYEE:
        status = facts.status_of(requirement, person, now)
        state, due = (status.state, status.due_on) if status else ("not_started", requirement.due_on)
        return employee_values(person, person.manager, state, due, requirement)
    reports = list(db.session.scalars(select(Person).where(Person.manager_id == person.id, Person.active.is_(True))))
    if kind == DIGEST:
        statuses = facts.statuses(requirement, now, [p.id for p in reports])
        states = {i: (s.state, s.due_on) for i, s in statuses.items() if not s.done}
        return list_values(person, requirement, listed([p for p in reports if p.id in states], states))
    below = list(db.session.scalars(select(Person).where(
        Person.manager_id.in_([p.id for p in reports]), Person.active.is_(True))))
    statuses = facts.statuses(requirement, now, [p.id for p in below])
    states = {i: (s.state, s.due_on) for i, s in statuses.items() if s.state == OVERDUE}
    names = {p.id: p.name for p in reports}
    grouped: dict[str, list[ListedPerson]] = defaultdict(list)
    for p in sorted((p for p in below if p.id in states), key=lambda p: (names[p.manager_id], p.name)):
        grouped[names[p.manager_id]].extend(listed([p], states))
    values = list_values(person, requirement, dict(grouped))
    values.fields["dagar"] = str(current_app.config["REMINDER_ESCALATE_AFTER_DAYS"])
    return values


def list_values(recipient: Person, requirement: Requirement, people) -> Values:
    count = len(people) if isinstance(people, list) else sum(len(v) for v in people.values())
    return Values({
        "förnamn": recipient.given_name or recipient.name, "namn": recipient.name,
        "kurs": requirement.course.name, "antal": str(count), "teamlänk": team_url(requirement),
    }, people)
