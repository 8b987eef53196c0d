"""Swedish working days and office hours."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from jobs.workdays import holiday_name, is_working_day, next_working_moment, office_hours, within_office_hours

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize("day, name", [
    ("2024-06-21", "Midsommarafton"),
    ("2024-12-24", "Julafton"),
    ("2024-12-31", "Nyårsafton"),
    ("2025-01-06", "Trettondedag jul"),
    ("2024-06-06", "Nationaldagen"),
    ("2025-04-18", "Långfredagen"),
    ("2025-05-29", "Kristi himmelsfärdsdag"),
])
def test_holidays_are_not_working_days(day, name):
    assert not is_working_day(date.fromisoformat(day))
    assert holiday_name(date.fromisoformat(day)) == name


@pytest.mark.parametrize("day", ["2024-06-24", "2024-06-20", "2024-12-23", "2024-12-27", "2025-01-07", "2024-10-01"])
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(date.fromisoformat(day))


def test_weekends_are_not_working_days_and_sundays_are_not_named_holidays():
    assert not is_working_day(date(2024, 10, 5)) and not is_working_day(date(2024, 10, 6))
    assert holiday_name(date(2024, 10, 6)) is None  # the package can list every Sunday; we do not


def test_office_hours_are_local_time():
    # 07:30 UTC is 09:30 in Stockholm in summer.
    assert within_office_hours(datetime(2024, 6, 24, 7, 30, tzinfo=timezone.utc), STHLM)
    assert not within_office_hours(datetime(2024, 6, 24, 15, 0, tzinfo=timezone.utc), STHLM)  # 17:00 local
    assert not within_office_hours(datetime(2024, 6, 21, 8, 0, tzinfo=timezone.utc), STHLM)  # midsommarafton


def test_next_working_moment_skips_midsummer_weekend():
    friday_eve = datetime(2024, 6, 21, 10, 0, tzinfo=STHLM)
    assert next_working_moment(friday_eve, STHLM) == datetime(2024, 6, 24, 8, 0, tzinfo=STHLM)


def test_next_working_moment_over_christmas_and_new_year():
    evening = datetime(2024, 12, 23, 18, 0, tzinfo=STHLM)
    assert next_working_moment(evening, STHLM) == datetime(2024, 12, 27, 8, 0, tzinfo=STHLM)
    new_years_eve = datetime(2024, 12, 31, 9, 0, tzinfo=STHLM)
    assert next_working_moment(new_years_eve, STHLM) == datetime(2025, 1, 2, 8, 0, tzinfo=STHLM)


def test_next_working_moment_is_now_within_hours_and_keeps_the_time_zone():
    now = datetime(2024, 10, 1, 8, 0, tzinfo=timezone.utc)  # 10:00 local
    assert next_working_moment(now, STHLM) is now
    early = datetime(2024, 10, 1, 4, 0, tzinfo=timezone.utc)  # 06:00 local
    moment = next_working_moment(early, STHLM, time(7, 30), time(16))
    assert moment == datetime(2024, 10, 1, 5, 30, tzinfo=timezone.utc) and moment.tzinfo is timezone.utc


def test_office_hours_from_settings():
    assert office_hours({"OFFICE_HOURS_START": "07:30", "OFFICE_HOURS_END": "16:00"}) == (time(7, 30), time(16))
    with pytest.raises(ValueError):
        office_hours({"OFFICE_HOURS_START": "17:00", "OFFICE_HOURS_END": "08:00"})
