"""The month calendar's days (pure): items that last several days are on each of them."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from campaign.monthgrid import DayItem, by_day

TZ = ZoneInfo("Europe/Stockholm")


def item(title: str, time: str = "09:00") -> DayItem:
    return DayItem("activity", time, title, "/x")


def test_a_multi_day_activity_is_on_every_day_it_lasts():
    start, end = datetime(2024, 10, 7, 9, 0, tzinfo=TZ), datetime(2024, 10, 9, 16, 0, tzinfo=TZ)
    days = by_day([(start, end, item("Säkerhetsveckan"))], TZ, date(2024, 10, 1), date(2024, 10, 31))
    assert sorted(days) == [date(2024, 10, 7), date(2024, 10, 8), date(2024, 10, 9)]
    assert not days[date(2024, 10, 7)][0].continued
    assert days[date(2024, 10, 8)][0].continued and days[date(2024, 10, 9)][0].continued


def test_ending_at_midnight_does_not_spill_into_the_next_day_and_the_month_clips():
    start, end = datetime(2024, 10, 30, 9, 0, tzinfo=TZ), datetime(2024, 11, 2, 0, 0, tzinfo=TZ)
    days = by_day([(start, end, item("Över månadsskiftet"))], TZ, date(2024, 10, 1), date(2024, 10, 31))
    assert sorted(days) == [date(2024, 10, 30), date(2024, 10, 31)]
    november = by_day([(start, end, item("Över månadsskiftet"))], TZ, date(2024, 11, 1), date(2024, 11, 30))
    assert sorted(november) == [date(2024, 11, 1)] and november[date(2024, 11, 1)][0].continued


def test_continuations_come_first_then_by_time():
    day = date(2024, 10, 8)
    entries = [
        (datetime(2024, 10, 8, 13, 0, tzinfo=TZ), None, item("Eftermiddag", "13:00")),
        (datetime(2024, 10, 7, 9, 0, tzinfo=TZ), datetime(2024, 10, 8, 17, 0, tzinfo=TZ), item("Tvådagars")),
        (datetime(2024, 10, 8, 8, 0, tzinfo=TZ), None, item("Morgon", "08:00")),
    ]
    titles = [i.title for i in by_day(entries, TZ, date(2024, 10, 1), date(2024, 10, 31))[day]]
    assert titles == ["Tvådagars", "Morgon", "Eftermiddag"]
