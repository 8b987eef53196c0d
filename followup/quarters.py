"""Pure quarter arithmetic for KPI periods (a period is named by its last day)."""
from __future__ import annotations

from datetime import date, timedelta

QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def quarter_end(day: date) -> date:
    """The last day of the quarter `day` is in."""
    month, last = QUARTER_ENDS[(day.month - 1) // 3]
    return date(day.year, month, last)


def quarter_start(end: date) -> date:
    return date(end.year, end.month - 2, 1)


def is_quarter_end(day: date) -> bool:
    return (day.month, day.day) in QUARTER_ENDS


def previous_quarter_end(day: date) -> date:
    """The last quarter end strictly before `day`."""
    return quarter_end(quarter_start(quarter_end(day)) - timedelta(days=1))


def label(end: date) -> str:
    """"2024 K3" – short name of a quarter, the same in Swedish tables and charts."""
    return f"{end.year} K{(end.month - 1) // 3 + 1}"


def ends_between(first: date, last: date) -> list[date]:
    """Every quarter end from `first` to `last`, inclusive."""
    found, day = [], quarter_end(first)
    while day <= last:
        found.append(day)
        day = quarter_end(day + timedelta(days=1))
    return found
