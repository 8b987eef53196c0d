"""Local Stockholm time to UTC and back, across the DST changes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from campaign.timeutil import NonexistentLocalTime, day_bounds_utc, local_to_utc, parse_local, utc_to_local

STHLM = ZoneInfo("Europe/Stockholm")


def test_summer_and_winter_offsets():
    assert local_to_utc(datetime(2024, 10, 1, 9, 0), STHLM) == datetime(2024, 10, 1, 7, 0, tzinfo=timezone.utc)
    assert local_to_utc(datetime(2024, 11, 1, 9, 0), STHLM) == datetime(2024, 11, 1, 8, 0, tzinfo=timezone.utc)


def test_time_in_the_spring_gap_is_refused():
    # 31 March 2024: the clocks go from 02:00 to 03:00.
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(datetime(2024, 3, 31, 2, 30), STHLM)
    assert local_to_utc(datetime(2024, 3, 31, 3, 0), STHLM) == datetime(2024, 3, 31, 1, 0, tzinfo=timezone.utc)


def test_time_in_the_autumn_overlap_is_the_first_occurrence():
    # 27 October 2024: 02:00–02:59 happens twice; the first is still summer time (UTC+2).
    assert local_to_utc(datetime(2024, 10, 27, 2, 30), STHLM) == datetime(2024, 10, 27, 0, 30, tzinfo=timezone.utc)


def test_round_trip_keeps_wall_clock_time():
    for naive in [datetime(2024, 10, 26, 9, 0), datetime(2024, 10, 28, 9, 0), datetime(2025, 3, 30, 12, 15)]:
        assert utc_to_local(local_to_utc(naive, STHLM), STHLM) == naive


def test_dst_days_are_23_and_25_hours_long():
    start, end = day_bounds_utc(date(2024, 3, 31), STHLM)
    assert (end - start).total_seconds() == 23 * 3600
    start, end = day_bounds_utc(date(2024, 10, 27), STHLM)
    assert (end - start).total_seconds() == 25 * 3600


def test_parse_local_accepts_the_browser_format_only():
    assert parse_local("2024-10-01T09:30") == datetime(2024, 10, 1, 9, 30)
    assert parse_local("2024-10-01T09:30:45") == datetime(2024, 10, 1, 9, 30)
    for bad in ["", "  ", "1 oktober", "2024-13-01T09:00", "2024-10-01T09:00+02:00"]:
        with pytest.raises(ValueError):
            parse_local(bad)
