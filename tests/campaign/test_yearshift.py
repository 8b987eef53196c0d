"""Copying to the next year: same weekday of the same ISO week, 53-week years, DST."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from campaign.yearshift import iso_weeks, shift_date, shift_datetime, shift_period

STHLM = ZoneInfo("Europe/Stockholm")


def test_same_weekday_of_the_same_week():
    # Tuesday 1 October 2024 is in week 40; Tuesday of week 40 in 2025 is 30 September.
    moved = shift_date(date(2024, 10, 1))
    assert moved == date(2025, 9, 30)
    assert moved.isocalendar()[1:] == date(2024, 10, 1).isocalendar()[1:]


def test_every_day_of_a_year_keeps_week_and_weekday():
    day = date(2024, 1, 1)
    while day.year == 2024:
        moved = shift_date(day)
        assert moved.isocalendar().week == day.isocalendar().week
        assert moved.isocalendar().weekday == day.isocalendar().weekday
        day = date.fromordinal(day.toordinal() + 1)


def test_iso_years_with_53_weeks():
    assert [y for y in range(2015, 2033) if iso_weeks(y) == 53] == [2015, 2020, 2026, 2032]


def test_week_53_goes_to_the_last_week_of_a_52_week_year():
    # Thursday 31 December 2020 is Thursday of ISO week 53 of 2020; 2021 has 52 weeks.
    assert date(2020, 12, 31).isocalendar()[:] == (2020, 53, 4)
    assert shift_date(date(2020, 12, 31)) == date.fromisocalendar(2021, 52, 4) == date(2021, 12, 30)


def test_into_a_53_week_year_and_across_the_new_year():
    # 1 January 2026 is Thursday of week 1 of ISO year 2026; next year's week 1 Thursday is 7 January 2027.
    assert shift_date(date(2026, 1, 1)) == date(2027, 1, 7)
    # 29 December 2025 is Monday of ISO week 1 of 2026 (ISO year ≠ calendar year).
    assert date(2025, 12, 29).isocalendar()[:] == (2026, 1, 1)
    assert shift_date(date(2025, 12, 29)) == date(2027, 1, 4)


def test_datetime_keeps_local_wall_clock_across_dst():
    # Monday 28 October 2024 09:00 (winter time, UTC+1) → Monday 27 October 2025 09:00 (winter time too).
    start = datetime(2024, 10, 28, 8, 0, tzinfo=timezone.utc)
    moved = shift_datetime(start, STHLM)
    assert moved.astimezone(STHLM).replace(tzinfo=None) == datetime(2025, 10, 27, 9, 0)
    # Friday 25 October 2024 09:00 (summer time) → Friday 24 October 2025 09:00 (still summer time).
    moved = shift_datetime(datetime(2024, 10, 25, 7, 0, tzinfo=timezone.utc), STHLM)
    assert moved == datetime(2025, 10, 24, 7, 0, tzinfo=timezone.utc)


def test_datetime_landing_in_the_spring_gap_moves_an_hour_on():
    # Sunday 2 April 2023 02:30 exists; Sunday of the same week in 2024 is 31 March, when 02:30 does not.
    start = datetime(2023, 4, 2, 0, 30, tzinfo=timezone.utc)
    assert start.astimezone(STHLM).replace(tzinfo=None) == datetime(2023, 4, 2, 2, 30)
    moved = shift_datetime(start, STHLM)
    assert moved.astimezone(STHLM).replace(tzinfo=None) == datetime(2024, 3, 31, 3, 30)


def test_period_keeps_calendar_dates():
    assert shift_period(date(2024, 10, 1), date(2024, 10, 31)) == (date(2025, 10, 1), date(2025, 10, 31))
    assert shift_period(date(2024, 2, 29), date(2024, 3, 1)) == (date(2025, 2, 28), date(2025, 3, 1))
