"""The month calendar as data: ISO weeks of a month and what happens on each day (pure)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo


@dataclass(frozen=True)
class DayItem:
    #: "activity" or "message".
    kind: str
    #: Local start time ("09:30").
    time: str
    title: str
    url: str
    #: Status label, channel or kind: a short word after the title.
    note: str = ""
    #: True for cancelled items (shown struck through with the word).
    cancelled: bool = False
    #: Machine-readable start, for <time datetime>.
    iso: str = ""
    #: True on the second and later days of an item that lasts several days.
    continued: bool = False


@dataclass
class Week:
    number: int
    #: Seven days, Monday first; None for days of the neighbouring months.
    days: list[date | None] = field(default_factory=list)


def month_weeks(first: date) -> list[Week]:
    """The ISO weeks that touch the month of `first`, Monday to Sunday."""
    first = first.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday < following:
        days = [monday + timedelta(days=i) for i in range(7)]
        weeks.append(Week(monday.isocalendar().week, [d if d.month == first.month else None for d in days]))
        monday += timedelta(days=7)
    return weeks


def by_day(entries: list[tuple[datetime, datetime | None, DayItem]], tz: tzinfo, first: date,
           last: date) -> dict[date, list[DayItem]]:
    """Items per local day, sorted by time (continuations first): an item with an end is on
    every day from its start to its end (an end at midnight does not count the next day)."""
    days: dict[date, list[DayItem]] = defaultdict(list)
    for start, end, item in entries:
        day = start.astimezone(tz).date()
        final = (end - timedelta(microseconds=1)).astimezone(tz).date() if end and end > start else day
        while day <= min(final, last):
            if day >= first:
                days[day].append(item if day == start.astimezone(tz).date() else replace(item, continued=True))
            day += timedelta(days=1)
    for items in days.values():
        items.sort(key=lambda i: (not i.continued, i.time, i.title))
    return days


def neighbours(first: date) -> tuple[date, date]:
    """First days of the previous and the next month."""
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return previous, following
