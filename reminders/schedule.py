"""The reminder schedule: which round is open for a due date, and who a run should remind.

Pure functions of the data and `today` (see `reminders.rounds` for the rules in words);
`reminders.rounds` runs them against the database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from jobs.workdays import is_working_day
from models.reminders import EMPLOYEE, ESCALATED
from training.status import DONE_STATES, OVERDUE


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
    #: Done with this older version, which counts only until the transition date (`due_on`).
    old_version_id: int | None = None


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
        if c.state == OVERDUE and schedule.escalate_after is not None and escalation_open(c.due_on, today, schedule):
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
