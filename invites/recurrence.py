"""Recurring activities: the RRULE a planner can make, and its occurrences in local time.

Pure functions (no database, no icalendar). What a planner can make: FREQ DAILY, WEEKLY or
MONTHLY, INTERVAL, BYDAY (weekdays), and COUNT or UNTIL. Occurrences keep their wall-clock
time across the change to and from summer time (12:00 stays 12:00), as RFC 5545 expands a
DTSTART with a TZID. Cancelled occurrences (EXDATE) and moved ones (RECURRENCE-ID) are kept on
the activity as the original local start ("2024-10-15T12:00:00", or "2024-10-15" all day).

An occurrence that is moved keeps its identity: its RECURRENCE-ID is the original start.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

from invites.errors import InviteError

FREQS = ("DAILY", "WEEKLY", "MONTHLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: More occurrences than this is a mistake (a daily rule without an end); refused.
MAX_OCCURRENCES = 366


class RecurrenceError(InviteError):
    """A rule we do not make (`code` says which part); the campaign forms show it as "bad_recurrence"."""


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: its start and end (UTC) and its identity (original local start, ISO)."""

    starts_at: datetime
    ends_at: datetime
    key: str
    moved: bool = False


def build(freq: str, interval: int = 1, byday: tuple[str, ...] = (), count: int | None = None,
          until: date | None = None, *, all_day: bool = False, tz: ZoneInfo | None = None) -> str:
    """The RRULE value for the form's fields; UNTIL is the last day (inclusive, local), written as
    a DATE for all-day activities and as the UTC end of that day otherwise (RFC 5545 §3.3.10)."""
    if freq not in FREQS:
        raise RecurrenceError("bad_freq")
    if interval < 1 or interval > 99:
        raise RecurrenceError("bad_interval")
    if any(day not in WEEKDAYS for day in byday):
        raise RecurrenceError("bad_byday")
    if (count is None) == (until is None):
        raise RecurrenceError("count_or_until")
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise RecurrenceError("bad_count")
    parts = [f"FREQ={freq}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if byday:
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in byday))
    if count is not None:
        parts.append(f"COUNT={count}")
    else:
        assert until is not None
        if all_day:
            parts.append(f"UNTIL={until:%Y%m%d}")
        else:
            end = datetime.combine(until, time(23, 59, 59), tzinfo=tz or ZoneInfo("Europe/Stockholm"))
            parts.append(f"UNTIL={end.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def key_of(moment: datetime, tz: ZoneInfo, all_day: bool) -> str:
    """An occurrence's identity: its original local start as ISO text."""
    local = moment.astimezone(tz)
    return local.date().isoformat() if all_day else local.replace(tzinfo=None).isoformat(timespec="seconds")


def moment_of(key: str, tz: ZoneInfo) -> datetime:
    """The instant (UTC) an occurrence key stands for."""
    value = datetime.fromisoformat(key)
    return value.replace(tzinfo=tz).astimezone(timezone.utc)


def _local_until(rrule: str, tz: ZoneInfo) -> str:
    """The rule with UNTIL as a local wall-clock time (a DATE: the end of that day), to expand
    against a local DTSTART as RFC 5545 does."""
    parts = []
    for part in rrule.split(";"):
        name, _, value = part.partition("=")
        if name.upper() == "UNTIL":
            if value.endswith("Z"):
                moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).astimezone(tz)
                value = moment.strftime("%Y%m%dT%H%M%S")
            elif len(value) == 8:
                value += "T235959"
        parts.append(f"{name}={value}")
    return ";".join(parts)


def starts(starts_at: datetime, rrule: str, tz: ZoneInfo, all_day: bool = False) -> list[datetime]:
    """Every start of the series (UTC), before exceptions, at most MAX_OCCURRENCES + 1; each at
    the wall-clock time of the first (12:00 stays 12:00 after summer time ends)."""
    if not rrule:
        return [starts_at.astimezone(timezone.utc)]
    local = starts_at.astimezone(tz).replace(tzinfo=None)
    try:
        rule = rrulestr(_local_until(rrule, tz), dtstart=local)
        found = list(islice(rule, MAX_OCCURRENCES + 1))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError("bad_rule") from exc
    return [d.replace(tzinfo=tz).astimezone(timezone.utc) for d in found]


def occurrences(starts_at: datetime, ends_at: datetime, rrule: str, tz: ZoneInfo, *, all_day: bool = False,
                exdates: list[str] | tuple[str, ...] = (), overrides: list[dict] | tuple = ()) -> list[Occurrence]:
    """The occurrences as they happen: cancelled ones left out, moved ones at their new time."""
    local_start = starts_at.astimezone(tz)
    local_end = ends_at.astimezone(tz)
    cancelled = set(exdates)
    moved = {o["recurrence_id"]: o for o in overrides}
    out = []
    for start in starts(starts_at, rrule, tz, all_day):
        key = key_of(start, tz, all_day)
        if key in cancelled:
            continue
        if key in moved:
            o = moved[key]
            out.append(Occurrence(datetime.fromisoformat(o["starts_at"]), datetime.fromisoformat(o["ends_at"]), key,
                                  True))
            continue
        local = start.astimezone(tz)
        # The same wall-clock length (an all-day event of two days is two days, whatever the offsets).
        end_local = (datetime.combine(local.date() + (local_end.date() - local_start.date()), local_end.timetz()
                                      .replace(tzinfo=None)).replace(tzinfo=tz))
        out.append(Occurrence(start, end_local.astimezone(timezone.utc), key))
    return sorted(out, key=lambda o: o.starts_at)


def in_window(items: list[Occurrence], first: datetime, last: datetime) -> list[Occurrence]:
    """Occurrences that overlap [first, last)."""
    return [o for o in items if o.starts_at < last and o.ends_at > first]
