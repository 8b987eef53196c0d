"""Reminder rounds, the managers' digests and escalation.

The rules (pure functions of the data and `today`, in `reminders.schedule`):

- A round is a number of days relative to a person's due date (REMINDER_ROUNDS,
  default -14, 0, 7). Its day is the first Swedish working day on or after
  due date + offset. It goes out from that day on, within office hours, and for at most
  REMINDER_LATE_DAYS more days (a scheduler that was down catches up; a round long past
  is not sent years later). When two rounds are open at once, only the later one goes.
- Everyone not done (not started, in progress, overdue) gets the round's reminder once:
  the record (`Reminder`) and the outbox's idempotency key both say so. So does everyone done
  with an older version that counts only until the requirement's transition date, with the
  rounds counted back from that date and a text of its own (kind "renewal": your version is
  valid until …, take the new one).
- Each manager (the nearest active one above the person) gets one digest per run that
  reminded any of their people, listing them, instead of one mail per employee. A round's
  reminders go out in the first run of its day, so that is one digest per round; people
  who appear later that day (a new starter from the directory sync) come in a second,
  shorter digest. People the reminder could not be mailed to are listed too.
- A manager whose unit has not confirmed an APT material by its deadline gets it in the digest's
  "APT att bekräfta" section (or, with no digest this run, an APT-only digest): apt/digest.py.
- People still overdue REMINDER_ESCALATE_AFTER_DAYS after their due date are escalated
  once (per due date) to the active manager above their manager, grouped by manager.

`run_round` commits as it goes, a manager's group at a time (the group's reminders with
their digest), so a crash loses nothing that was committed and a rerun finishes the rest.
"Remind now" and the pages' reads are in `reminders.actions`.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import insert, select

from apt import digest as apt_digest
from extensions import db
from jobs.workdays import next_working_moment, office_hours, within_office_hours
from main.i18n import local_tz
from models import PersonStatus, Requirement
from models.base import table_of
from models.reminders import DIGEST, EMPLOYEE, ESCALATED, ESCALATION, Reminder
from outbox import operations as outbox
from outbox.mime import InvalidAddress, validate_address
from reminders.people import People, Recipient
from reminders.schedule import Candidate, Planned, Schedule, plan, schedule_from
from reminders.texts import (
    ListedPerson,
    Values,
    Wording,
    list_values,
    recipient_locale,
    render,
    round_values,
    wording,
)
from training import facts, freshness
from training.status import COMPLETED, NOT_STARTED, OVERDUE, local_date

#: Commit after about this many people (with their managers' digests).
CHUNK = 1000


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
    #: Those skipped, counted by reason: no_address, invalid_address, invalid_header (a line break in a name).
    unmailable: dict[str, int] = field(default_factory=dict)
    #: People with no active manager above them to tell (no digest or escalation).
    no_manager: int = 0
    #: Digests with nothing but overdue APT materials (apt/digest.py).
    apt_digests: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "dry_run": self.dry_run, "skipped": self.skipped, "employees": self.employees,
                "digests": self.digests, "escalations": self.escalations, "apt_digests": self.apt_digests,
                "no_address": self.no_address,
                "unmailable": dict(self.unmailable), "no_manager": self.no_manager}

    def __str__(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        text = f"{self.employees} reminders, {self.digests} digests, {self.escalations} escalations"
        text += f", {self.apt_digests} APT digests" if self.apt_digests else ""
        if self.no_address:
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.unmailable.items()))
            text += f", {len(self.no_address)} without a usable address" + (f" ({reasons})" if reasons else "")
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
    """People not done, and people done with an older version that counts only until the
    transition date: their rounds are counted back from that date, so nobody goes from
    done to overdue overnight without a reminder."""
    people = [Candidate(*row) for row in db.session.execute(
        select(PersonStatus.person_id, PersonStatus.state, PersonStatus.due_on).where(
            PersonStatus.requirement_id == requirement.id, PersonStatus.done.is_(False)))]
    if requirement.transition_on is not None and requirement.current_version_id is not None:
        older = db.session.execute(select(PersonStatus.person_id, PersonStatus.version_id).where(
            PersonStatus.requirement_id == requirement.id, PersonStatus.state == COMPLETED,
            PersonStatus.version_id != requirement.current_version_id))
        people += [Candidate(pid, NOT_STARTED, requirement.transition_on, version_id) for pid, version_id in older]
    return people


def run_round(now: datetime, *, dry_run: bool = False, ignore_office_hours: bool = False) -> RoundReport:
    """Send what the rounds say is due now (the scheduled job; hourly is enough). Commits as it goes."""
    cfg = current_app.config
    report = RoundReport(dry_run=dry_run)
    hours = office_hours(cfg)
    if not ignore_office_hours and not within_office_hours(now, local_tz(), *hours):
        report.skipped = "outside office hours or not a working day"
        return report
    schedule = schedule_from(cfg)
    today = local_date(now, local_tz())
    freshness.run_pending(now)
    send_after = next_working_moment(now, local_tz(), *hours)  # --any-time at night: delivered in the morning
    apt_due = apt_digest.due_by_manager(now)  # taken out as a digest lists it; the rest get their own
    for requirement in facts.active_requirements():
        candidates = _candidates(requirement)
        planned = plan(candidates, today, schedule, _already(requirement, today, schedule))
        if planned:
            _Round(requirement, now, send_after, today, schedule, report, dry_run, apt_due).send(planned, candidates)
    report.apt_digests = apt_digest.send_own(apt_due, now, send_after, dry_run=dry_run)
    return report


def _ids_hash(person_ids: Iterable[int]) -> str:
    """A short fingerprint of who a digest lists: the same people the same day make the same key."""
    return hashlib.sha256(",".join(str(i) for i in sorted(person_ids)).encode()).hexdigest()[:16]


class _Round:
    """Queues one run's reminders for one requirement, a manager's group at a time, then the escalations."""

    def __init__(self, requirement: Requirement, now: datetime, send_after: datetime, today: date,
                 schedule: Schedule, report: RoundReport, dry_run: bool, apt_due: dict[int, apt_digest.Due]):
        self.requirement, self.requirement_id = requirement, requirement.id
        self.now, self.send_after, self.today, self.schedule = now, send_after, today, schedule
        self.report, self.dry_run, self.apt_due = report, dry_run, apt_due
        self.people = People()
        self.statuses: dict[int, Candidate] = {}
        self.texts: dict[tuple[str, str], Wording] = {}
        #: Reminder rows not yet inserted (one statement per chunk, no flush per mail).
        self.records: list[dict] = []
        self.pending = 0

    def send(self, planned: list[Planned], candidates: list[Candidate]) -> None:
        self.statuses = {c.person_id: c for c in candidates}
        self.people.load(p.person_id for p in planned)
        employees = [p for p in planned if p.kind == EMPLOYEE]
        escalated = [p for p in planned if p.kind == ESCALATED]
        self.people.load(self.people[p.person_id].manager_id for p in planned)
        by_manager: dict[int | None, list[Planned]] = defaultdict(list)
        for item in employees:
            manager = self.people.manager_of(item.person_id)
            by_manager[manager.id if manager else None].append(item)
        for manager_id, items in by_manager.items():
            lines = {item.person_id: self._employee(item) for item in items}
            listed = {pid: line for pid, line in lines.items() if line is not None}
            if manager_id is None:
                self.report.no_manager += len(items)
            elif listed:
                self._digest(self.people[manager_id], listed)
            self._progress(len(items))
        self._escalations(escalated)
        self._commit()

    # -- the three kinds of mail

    def _employee(self, item: Planned) -> ListedPerson | None:
        """Queue one reminder; the person's line for the digest, or None if nothing new went out."""
        person, candidate = self.people[item.person_id], self.statuses[item.person_id]
        kind, state, values = round_values(person, self.people.manager_of(person.id), candidate.state, item.due_on,
                                           self.requirement, candidate.old_version_id)
        key = f"reminder:{self.requirement_id}:{person.id}:{item.due_on.isoformat()}:{item.offset}"
        outcome, message_id = self._queue(key, person, kind, values)
        self._record(person.id, EMPLOYEE, item.offset, item.due_on, outcome, message_id)
        if outcome == outbox.DUPLICATE:  # queued by an overlapping run: it lists the person
            return None
        self.report.employees += outcome == outbox.QUEUED
        return ListedPerson(person.name, person.unit, state, item.due_on, no_address=outcome != outbox.QUEUED)

    def _digest(self, manager: Recipient, listed: dict[int, ListedPerson]) -> None:
        lines = sorted(listed.values(), key=lambda p: p.name)
        key = f"reminder-digest:{self.requirement_id}:{manager.id}:{self.today.isoformat()}:{_ids_hash(listed)}"
        apt = self.apt_due.get(manager.id)
        values = list_values(manager, self.requirement, lines)
        outcome, message_id = self._queue(key, manager, DIGEST, values, apt.items if apt else None)
        if apt is not None and outcome == outbox.QUEUED:
            del self.apt_due[manager.id]
            if not self.dry_run:
                apt_digest.record(manager.id, apt.items, self.now)
        self._record(manager.id, DIGEST, None, None, outcome, message_id, about=list(listed))
        self.report.digests += outcome == outbox.QUEUED

    def _escalations(self, escalated: list[Planned]) -> None:
        """One mail per manager's manager, listing their overdue people grouped by manager."""
        groups: dict[int, dict[int, list[Planned]]] = defaultdict(lambda: defaultdict(list))
        managers = {self.people.manager_of(item.person_id) for item in escalated}
        self.people.load(m.manager_id for m in managers if m is not None)  # their managers, in one go
        for item in escalated:
            manager = self.people.manager_of(item.person_id)
            skip = self.people.manager_of(manager.id) if manager else None
            if manager is None or skip is None:
                self.report.no_manager += 1  # not recorded: found again if the directory gets mended
                continue
            groups[skip.id][manager.id].append(item)
        for skip_id, by_manager in groups.items():
            skip = self.people[skip_id]
            listed = {
                self.people[manager_id].name: sorted(
                    (ListedPerson(self.people[i.person_id].name, self.people[i.person_id].unit, OVERDUE, i.due_on)
                     for i in items), key=lambda p: p.name)
                for manager_id, items in sorted(by_manager.items(), key=lambda kv: self.people[kv[0]].name)}
            items = [i for group in by_manager.values() for i in group]
            key = (f"reminder-escalation:{self.requirement_id}:{skip_id}:{self.today.isoformat()}:"
                   f"{_ids_hash(i.person_id for i in items)}")
            values = list_values(skip, self.requirement, listed, days=self.schedule.escalate_after)
            outcome, message_id = self._queue(key, skip, ESCALATION, values)
            self._record(skip_id, ESCALATION, None, None, outcome, message_id, about=[i.person_id for i in items])
            self.report.escalations += outcome == outbox.QUEUED
            for item in items:
                self._record(item.person_id, ESCALATED, item.offset, item.due_on, outcome, message_id)
            self._progress(len(items))

    # -- queueing, recording, committing

    def _queue(self, key: str, to: Recipient, kind: str, values: Values,
               apt: list[apt_digest.Item] | None = None) -> tuple[str, int | None]:
        """Queue one mail (a digest with `apt`: plus its APT section); (outcome, outbox id). A dry run
        checks the address and queues nothing."""
        if self.dry_run:
            try:
                validate_address(to.email or "")
            except InvalidAddress:
                self.report.no_address.append(to.name)
                self.report.unmailable[outbox.NO_ADDRESS] = self.report.unmailable.get(outbox.NO_ADDRESS, 0) + 1
                return outbox.NO_ADDRESS, None
            return outbox.QUEUED, None
        locale = recipient_locale(to.locale)
        if (kind, locale) not in self.texts:
            self.texts[(kind, locale)] = wording(kind, locale)
        rendered = render(self.texts[(kind, locale)], values, locale)
        text, html = apt_digest.with_section(rendered.text, rendered.html, apt or [], locale)
        result = outbox.enqueue(key, to=to.email, to_name=to.name, person_id=to.id, subject=rendered.subject,
                                text=text, html=html, send_after=self.send_after,
                                related=("training_reminder", self.requirement_id), now=self.now)
        if not result.ok:  # skipped; the outbox lists them for the admins, the round goes on
            self.report.no_address.append(to.name)
            self.report.unmailable[result.outcome] = self.report.unmailable.get(result.outcome, 0) + 1
        return result.outcome, result.message_id

    def _record(self, person_id: int, kind: str, offset: int | None, due_on: date | None, outcome: str,
                message_id: int | None, about: list[int] | None = None) -> None:
        self.records.append({
            "requirement_id": self.requirement_id, "person_id": person_id, "kind": kind, "round_offset": offset,
            "due_on": due_on, "outcome": outcome, "created_at": self.now, "created_by_id": None,
            "outbox_message_id": message_id, "about": ",".join(map(str, about)) if about else None})

    def _progress(self, people: int) -> None:
        self.pending += people
        if self.pending >= CHUNK:
            self._commit()

    def _commit(self) -> None:
        if not self.dry_run:
            if self.records:
                db.session.execute(insert(table_of(Reminder)), self.records)
            db.session.commit()
        self.records, self.pending = [], 0

