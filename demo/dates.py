"""The demo's calendar: the demo data is written for one reference year (the awareness month
in October 2024, the requirement due 30 November 2024) and moved by whole years at load time,
so the demo always looks current.

The demo year is the year of the requirement whose due date (30 November) is ahead or recently
passed: from June on it is this year (the awareness month is the coming October, or this
October while it lasts, and in December the due date has just passed); before June it is last
year (so the trend, the completions and the follow-up have history behind them).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

#: The year the demo's dates are written in.
REFERENCE_YEAR = 2024

D = TypeVar("D", date, datetime)


def demo_year(today: date) -> int:
    """The year of the demo's awareness month and requirement due date, as seen on `today`."""
    return today.year if today.month >= 6 else today.year - 1


def years(today: date) -> int:
    """How many years the reference dates move forward on `today`."""
    return demo_year(today) - REFERENCE_YEAR


def shift(value: D, today: date) -> D:
    """`value` (a reference date or datetime) moved to the demo year of `today` (29 Feb → 28 Feb)."""
    target = value.year + years(today)
    try:
        return value.replace(year=target)
    except ValueError:
        return value.replace(year=target, day=28)


def october_title(today: date) -> str:
    return f"Informationssäkerhetsmånaden oktober {demo_year(today)}"
