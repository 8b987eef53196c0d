"""Swedish working days and office hours, for mail that should only arrive at work.

Not working days: Saturdays, Sundays, Swedish public holidays and the de-facto holidays
midsommarafton, julafton and nyårsafton (from the maintained `holidays` package). The
half days before some holidays ("från kl. 14") count as working days.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

if TYPE_CHECKING:
    from holidays import HolidayBase

#: Public holidays plus midsommarafton, julafton and nyårsafton (holidays.PUBLIC, holidays.DE_FACTO).
CATEGORIES = ("public", "de_facto")


@lru_cache(maxsize=32)
def _holidays(year: int) -> HolidayBase:
    # Imported on first use: the package takes about 0.1 s to import, which every `flask`
    # command would pay at start (docs/architecture.md, decision 13).
    import holidays

    # include_sundays=False: the package can list every Sunday as a holiday; weekends are
    # handled below, and the list of named holidays stays readable.
    return holidays.country_holidays("SE", years=year, categories=CATEGORIES, include_sundays=False,
                                     language="sv")


def holiday_name(day: date) -> str | None:
    """The holiday's name, or None on an ordinary day."""
    return _holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Swedish public or de-facto holiday."""
    return day.weekday() < 5 and holiday_name(day) is None


def office_hours(config) -> tuple[time, time]:
    """Office hours from the settings OFFICE_HOURS_START and OFFICE_HOURS_END ("08:00", "17:00")."""
    start, end = config["OFFICE_HOURS_START"], config["OFFICE_HOURS_END"]
    opens, closes = time.fromisoformat(start), time.fromisoformat(end)
    if opens >= closes:
        raise ValueError(f"office hours must open before they close: {start}-{end}")
    return opens, closes


def region_tz() -> ZoneInfo:
    """The TIMEZONE setting (Europe/Stockholm outside an app)."""
    return ZoneInfo(current_app.config["TIMEZONE"] if has_app_context() else "Europe/Stockholm")


def within_office_hours(now: datetime, tz: ZoneInfo | None = None, opens: time = time(8),
                        closes: time = time(17)) -> bool:
    """True on a working day between `opens` (inclusive) and `closes` (exclusive), local time (TIMEZONE)."""
    local = now.astimezone(tz or region_tz())
    return is_working_day(local.date()) and opens <= local.time() < closes


def next_working_moment(now: datetime, tz: ZoneInfo | None = None, opens: time = time(8),
                        closes: time = time(17)) -> datetime:
    """`now` if within office hours, else when they next open; in `now`'s time zone."""
    tz = tz or region_tz()
    if within_office_hours(now, tz, opens, closes):
        return now
    local = now.astimezone(tz)
    day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, opens, tzinfo=tz).astimezone(now.tzinfo)
