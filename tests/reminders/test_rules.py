"""The reminder rules as pure functions: round days on Swedish working days, which round is
open, what a run plans, and how digests are grouped. No database."""
from __future__ import annotations

from datetime import date

import pytest

from jobs.workdays import is_working_day
from reminders.schedule import (
    Candidate,
    Planned,
    Schedule,
    current_round,
    escalation_open,
    group_by,
    parse_rounds,
    plan,
    round_day,
)

SCHEDULE = Schedule(offsets=(-14, 0, 7), late_days=5, escalate_after=14)


def test_swedish_holidays_named_in_the_issue():
    assert not is_working_day(date(2024, 6, 21))  # midsommarafton
    assert not is_working_day(date(2024, 12, 24))  # julafton
    assert is_working_day(date(2024, 6, 24))  # the Monday after midsommar


def test_a_round_on_a_holiday_or_weekend_moves_to_the_next_working_day():
    assert round_day(date(2024, 7, 5), -14) == date(2024, 6, 24)  # 21 June is midsommarafton
    assert round_day(date(2024, 12, 24), 0) == date(2024, 12, 27)  # julafton, juldagen, annandag jul
    assert round_day(date(2024, 11, 30), 0) == date(2024, 12, 2)  # a Saturday
    assert round_day(date(2024, 11, 27), 0) == date(2024, 11, 27)  # an ordinary Wednesday


@pytest.mark.parametrize("today, expected", [
    (date(2024, 11, 15), None),  # before the first round (its day is Monday 18 Nov)
    (date(2024, 11, 18), -14),
    (date(2024, 11, 23), -14),  # five days late: still goes out
    (date(2024, 11, 24), None),  # too late for -14, too early for the due date round
    (date(2024, 12, 2), 0),  # due Saturday 30 Nov -> Monday
    (date(2024, 12, 9), 7),
    (date(2024, 12, 15), None),
])
def test_the_open_round_for_a_due_date(today, expected):
    assert current_round(date(2024, 11, 30), today, SCHEDULE) == expected


def test_when_two_rounds_are_open_only_the_later_one_counts():
    close = Schedule(offsets=(-2, 0), late_days=5, escalate_after=None)
    assert current_round(date(2024, 11, 27), date(2024, 11, 27), close) == 0


def test_escalation_window_and_switching_it_off():
    due = date(2024, 11, 30)
    assert not escalation_open(due, date(2024, 12, 13), SCHEDULE)  # 13 days overdue
    assert escalation_open(due, date(2024, 12, 16), SCHEDULE)  # 14 Dec is a Saturday -> Monday
    assert not escalation_open(due, date(2024, 12, 16), Schedule((-14, 0, 7), 5, None))


def test_plan_skips_the_done_and_what_already_went_out():
    today = date(2024, 12, 16)
    candidates = [
        Candidate(1, "overdue", date(2024, 11, 30)),
        Candidate(2, "overdue", date(2024, 11, 30)),
        Candidate(3, "completed", date(2024, 11, 30)),
        Candidate(4, "exempt", date(2024, 11, 30)),
        Candidate(5, "not_started", date(2024, 12, 30)),  # a new starter: their -14 round is open
        Candidate(6, "not_started", None),
    ]
    already = {(2, "escalated", date(2024, 11, 30), 14)}
    assert plan(candidates, today, SCHEDULE, already) == [
        Planned(1, "escalated", date(2024, 11, 30), 14),
        Planned(5, "employee", date(2024, 12, 30), -14),
    ]


def test_a_new_due_date_starts_new_rounds():
    already = {(1, "employee", date(2024, 11, 30), 0)}
    later = [Candidate(1, "not_started", date(2024, 12, 2))]
    assert plan(later, date(2024, 12, 2), SCHEDULE, already) == [Planned(1, "employee", date(2024, 12, 2), 0)]


def test_digest_grouping_keeps_order_and_leaves_out_people_without_manager():
    assert group_by([(1, 10), (2, 20), (3, 10), (4, None)]) == {10: [1, 3], 20: [2]}


@pytest.mark.parametrize("raw, expected", [("-14,0,7", (-14, 0, 7)), (" 7, -14 ,0,0", (-14, 0, 7)), ("", ())])
def test_rounds_setting(raw, expected):
    assert parse_rounds(raw) == expected


@pytest.mark.parametrize("raw", ["-14;0", "två", "0,400"])
def test_unreadable_rounds_setting_is_a_clear_error(raw):
    with pytest.raises(ValueError, match="REMINDER_ROUNDS"):
        parse_rounds(raw)
