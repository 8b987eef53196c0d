"""The one rule for a person's training status: a pure function of the data and `now`.

A person covered by a requirement is exactly one of:

- completed   a completion that counts (its version, its time);
- exempt      an exemption in force today (and no completion that counts);
- overdue     past their due date without a completion that counts;
- in_progress started on the LMS, not yet due;
- not_started not yet due.

A completion counts when it happened by `now`, belongs to one of the course's
versions, has not expired (renewal every M months), and, after the requirement's
transition date, is of the current version or a newer one.

A person's due date is the requirement's due date, pushed later for new starters
(start date + N days; without a start date, the day the sync first saw them + N days) and, when an earlier completion stopped counting (expired or
superseded by a new version), to the day it stopped counting.

Nothing here touches the database: `training.queries` loads the rows, `bulk_statuses`
turns them into statuses for thousands of people at once.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, NamedTuple

COMPLETED = "completed"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
OVERDUE = "overdue"
EXEMPT = "exempt"
#: Every status, in the order pages list them.
STATES = (COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE, EXEMPT)
#: Statuses that leave nothing for a manager to chase.
DONE_STATES = frozenset({COMPLETED, EXEMPT})


@dataclass(frozen=True)
class Rule:
    """What a requirement says, reduced to the facts the status depends on."""

    requirement_id: int
    course_id: int
    #: {version id: publication date} for every version of the course.
    versions: Mapping[int, date]
    due_on: date | None = None
    new_starter_days: int | None = None
    renewal_months: int | None = None
    current_version_id: int | None = None
    transition_on: date | None = None
    #: None for "all staff", else the unit ids whose subtrees are covered.
    unit_ids: frozenset[int] | None = None


class PersonFacts(NamedTuple):
    id: int
    active: bool = True
    start_date: date | None = None
    #: The person's unit path ("/3/17/"), for unit-scoped requirements.
    unit_path: str | None = None
    #: The day the directory sync first saw a person who came after the first sync, for new
    #: starters the directory gives no start date (None: the start date counts, or nothing).
    first_seen: date | None = None


class CompletionFact(NamedTuple):
    version_id: int
    #: "completed" or "in_progress".
    state: str
    completed_at: datetime | None = None


class ExemptionFact(NamedTuple):
    #: None means every course.
    course_id: int | None
    starts_on: date
    ends_on: date


class Status(NamedTuple):
    state: str
    due_on: date | None = None
    #: The completion that counts (completed only).
    version_id: int | None = None
    completed_at: datetime | None = None
    #: Last day the completion counts (None = for good).
    valid_until: date | None = None
    #: Last day of the exemption in force (exempt only).
    exempt_until: date | None = None
    #: Whether the person has started on a version that counts.
    started: bool = False

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def covers(rule: Rule, person: PersonFacts, today: date) -> bool:
    """Whether the requirement applies to the person today."""
    if not person.active or (person.start_date is not None and person.start_date > today):
        return False
    if rule.unit_ids is None:
        return True
    if not person.unit_path:
        return False
    return any(f"/{uid}/" in person.unit_path for uid in rule.unit_ids)


def _counts_until(rule: Rule, completion: CompletionFact, tz: tzinfo) -> date | None | Literal[False]:
    """Last day the completion counts (None = for good), or False if it never counts."""
    published = rule.versions.get(completion.version_id)
    if published is None or completion.state != COMPLETED or completion.completed_at is None:
        return False
    until: date | None = None
    if rule.renewal_months:
        until = add_months(local_date(completion.completed_at, tz), rule.renewal_months)
    if rule.current_version_id is not None:
        current_published = rule.versions.get(rule.current_version_id)
        if current_published is not None and published < current_published:
            if rule.transition_on is None:
                return False
            until = rule.transition_on if until is None else min(until, rule.transition_on)
    return until


def _version_counts_later(rule: Rule, version_id: int, today: date) -> bool:
    """Whether work on this version can still lead to a completion that counts."""
    published = rule.versions.get(version_id)
    if published is None:
        return False
    if rule.current_version_id is None:
        return True
    current_published = rule.versions.get(rule.current_version_id)
    if current_published is None or published >= current_published:
        return True
    return rule.transition_on is not None and today <= rule.transition_on


def _base_due(rule: Rule, person: PersonFacts) -> date | None:
    due = rule.due_on
    started_on = person.start_date or person.first_seen
    if rule.new_starter_days is not None and started_on is not None:
        starter_due = started_on + timedelta(days=rule.new_starter_days)
        due = starter_due if due is None else max(due, starter_due)
    return due


def person_status(
    rule: Rule,
    person: PersonFacts,
    completions: Iterable[CompletionFact],
    exemptions: Iterable[ExemptionFact],
    now: datetime,
    tz: tzinfo,
) -> Status | None:
    """The person's status for the requirement at `now`, or None if it does not apply."""
    today = local_date(now, tz)
    if not covers(rule, person, today):
        return None
    best: tuple[CompletionFact, datetime, date | None] | None = None  # completion, completed_at, until
    due = _base_due(rule, person)
    started = False
    for c in completions:
        if c.state == IN_PROGRESS:
            started = started or _version_counts_later(rule, c.version_id, today)
            continue
        if c.completed_at is None or c.completed_at > now:
            continue  # not known yet at `now` (snapshots of the past)
        until = _counts_until(rule, c, tz)
        if until is False:
            continue
        if until is not None and until < today:
            due = until if due is None else max(due, until)  # it stopped counting that day
        elif best is None or c.completed_at > best[1]:
            best = (c, c.completed_at, until)
    if best is not None:
        return Status(COMPLETED, due, best[0].version_id, best[1], best[2], started=True)
    exempt_until = _exempt_until(rule, exemptions, today)
    if exempt_until is not None:
        return Status(EXEMPT, due, exempt_until=exempt_until, started=started)
    if due is not None and today > due:
        return Status(OVERDUE, due, started=started)
    return Status(IN_PROGRESS if started else NOT_STARTED, due, started=started)


def _exempt_until(rule: Rule, exemptions: Iterable[ExemptionFact], today: date) -> date | None:
    ends = [
        e.ends_on for e in exemptions
        if (e.course_id is None or e.course_id == rule.course_id) and e.starts_on <= today <= e.ends_on
    ]
    return max(ends) if ends else None


@dataclass
class Counts:
    """Numbers of people per status; `required` is their sum."""

    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    exempt: int = 0
    extra: dict = field(default_factory=dict, repr=False)

    @property
    def required(self) -> int:
        return self.completed + self.in_progress + self.not_started + self.overdue + self.exempt

    @property
    def percent(self) -> float | None:
        """Completed share of those not exempt, in percent (None when nobody is)."""
        base = self.required - self.exempt
        return None if base <= 0 else round(100.0 * self.completed / base, 1)

    def add(self, state: str, n: int = 1) -> None:
        setattr(self, state, getattr(self, state) + n)

    def merge(self, other: Counts) -> None:
        for state in STATES:
            self.add(state, getattr(other, state))

    def as_dict(self) -> dict:
        return {"required": self.required, **{s: getattr(self, s) for s in STATES}}


def bulk_statuses(
    rule: Rule,
    people: Iterable[PersonFacts],
    completions: Mapping[int, list[CompletionFact]],
    exemptions: Mapping[int, list[ExemptionFact]],
    now: datetime,
    tz: tzinfo,
) -> dict[int, Status]:
    """`person_status` for many people: {person id: status} for those covered."""
    result: dict[int, Status] = {}
    empty: list = []
    for person in people:
        status = person_status(
            rule, person, completions.get(person.id, empty), exemptions.get(person.id, empty), now, tz
        )
        if status is not None:
            result[person.id] = status
    return result
