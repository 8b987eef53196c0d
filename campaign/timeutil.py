"""Local wall-clock time (Europe/Stockholm) to UTC and back, with the DST gaps and overlaps.

On the last Sunday of March 02:00–02:59 does not exist; on the last Sunday of October
02:00–02:59 happens twice. A time in the gap is refused (the user is asked for another);
a time in the overlap is taken as the first occurrence (summer time, before the clocks
go back), which is what a person planning "02:30" the day before means.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo

from campaign.errors import PlanError


class NonexistentLocalTime(PlanError):
    """The wall-clock time does not exist on that day (the spring DST gap); the message is that time."""

    def __init__(self, local_time: str):
        super().__init__("nonexistent_time", message=local_time)


def local_to_utc(naive: datetime, tz: tzinfo) -> datetime:
    """A naive local wall-clock time in `tz` as an aware UTC datetime."""
    if naive.tzinfo is not None:
        raise ValueError("expected a naive local time")
    aware = naive.replace(tzinfo=tz, fold=0)
    utc = aware.astimezone(timezone.utc)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive.isoformat())
    return utc


def utc_to_local(moment: datetime, tz: tzinfo) -> datetime:
    """An aware datetime as naive wall-clock time in `tz` (for forms)."""
    return moment.astimezone(tz).replace(tzinfo=None)


def local_date(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def day_bounds_utc(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC (23 or 25 hours long on DST days)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(date.fromordinal(day.toordinal() + 1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return start, end


def parse_local(value: str) -> datetime:
    """Parse an <input type=datetime-local> value ("2024-10-01T09:30", seconds optional)."""
    value = (value or "").strip()
    if not value:
        raise ValueError("empty")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is not None:
        raise ValueError("time zone given")
    return parsed.replace(second=0, microsecond=0)
