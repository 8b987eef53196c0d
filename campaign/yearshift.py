"""Copying a campaign to the next year: the same weekday of the same ISO week.

Tuesday of week 40 in 2024 (1 October) becomes Tuesday of week 40 in 2025 (30 September),
so a lunch lecture stays on a Tuesday and the month keeps its rhythm. Week 53 exists
only in some years; from a week-53 year into a 52-week year it becomes week 52.
Times keep their local wall-clock time (09:00 stays 09:00 across DST).
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo

from campaign.timeutil import local_to_utc, utc_to_local


def iso_weeks(year: int) -> int:
    """52 or 53: the number of ISO weeks in `year` (28 December is always in the last week)."""
    return date(year, 12, 28).isocalendar().week


def shift_date(day: date, years: int = 1) -> date:
    """The same ISO weekday of the same ISO week, `years` ISO years later."""
    iso = day.isocalendar()
    target_year = iso.year + years
    week = min(iso.week, iso_weeks(target_year))
    return date.fromisocalendar(target_year, week, iso.weekday)


def shift_datetime(moment: datetime, tz: tzinfo, years: int = 1) -> datetime:
    """Shift an aware UTC datetime, keeping its local wall-clock time in `tz`.

    A wall-clock time that would fall into next year's spring DST gap moves one hour on.
    """
    local = utc_to_local(moment, tz)
    moved = datetime.combine(shift_date(local.date(), years), local.time())
    try:
        return local_to_utc(moved, tz)
    except ValueError:
        return local_to_utc(moved.replace(hour=moved.hour + 1), tz)


def shift_period(starts_on: date, ends_on: date, years: int = 1) -> tuple[date, date]:
    """A campaign period moves to the same calendar dates (a month stays the whole month)."""
    return _same_day(starts_on, years), _same_day(ends_on, years)


def _same_day(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
