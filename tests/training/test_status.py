"""The status rule (`training.status`), with frozen time: the version transition,
the new-starter window, renewal, exemptions and the due date."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from training.status import (
    COMPLETED,
    EXEMPT,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    CompletionFact,
    Counts,
    ExemptionFact,
    PersonFacts,
    Rule,
    add_months,
    bulk_statuses,
    person_status,
)

TZ = ZoneInfo("Europe/Stockholm")
V2023, V2024 = 1, 2
VERSIONS = {V2023: date(2023, 9, 1), V2024: date(2024, 9, 15)}
#: "Säkert Beteende": due 30 Nov 2024, the 2024 version counts after that day, new starters get 30 days.
RULE = Rule(1, 10, VERSIONS, due_on=date(2024, 11, 30), new_starter_days=30,
            current_version_id=V2024, transition_on=date(2024, 11, 30))
PERSON = PersonFacts(7, True, date(2015, 3, 1), "/1/2/")


def at(y, m, d, hh=12, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(timezone.utc)


def done(version, when) -> CompletionFact:
    return CompletionFact(version, COMPLETED, when)


def status(completions=(), exemptions=(), person=PERSON, rule=RULE, now=None):
    return person_status(rule, person, completions, exemptions, now or datetime.now(timezone.utc), TZ)


@time_machine.travel(at(2024, 10, 1), tick=False)
def test_nothing_done_before_due_is_not_started():
    s = status()
    assert s.state == NOT_STARTED and s.due_on == date(2024, 11, 30)


@time_machine.travel(at(2024, 12, 1), tick=False)
def test_nothing_done_after_due_is_overdue():
    assert status().state == OVERDUE


@time_machine.travel(at(2024, 11, 30, 23, 59), tick=False)
def test_due_day_itself_is_not_overdue_in_local_time():
    # 23:59 in Stockholm is 22:59 UTC: still the due day, whatever the server's clock zone.
    assert status().state == NOT_STARTED


@time_machine.travel(at(2024, 10, 1), tick=False)
def test_in_progress_before_due():
    s = status([CompletionFact(V2024, IN_PROGRESS, None)])
    assert s.state == IN_PROGRESS and s.started


@time_machine.travel(at(2024, 12, 5), tick=False)
def test_in_progress_after_due_is_overdue_but_remembers_it_started():
    s = status([CompletionFact(V2024, IN_PROGRESS, None)])
    assert s.state == OVERDUE and s.started


class TestVersionTransition:
    OLD = done(V2023, at(2023, 10, 2))

    @time_machine.travel(at(2024, 11, 30, 20), tick=False)
    def test_old_version_counts_until_the_transition_date(self):
        s = status([self.OLD])
        assert s.state == COMPLETED and s.version_id == V2023 and s.valid_until == date(2024, 11, 30)

    @time_machine.travel(at(2024, 12, 1, 0, 30), tick=False)
    def test_old_version_stops_counting_the_day_after(self):
        s = status([self.OLD])
        assert s.state == OVERDUE and s.due_on == date(2024, 11, 30)

    @time_machine.travel(at(2025, 1, 10), tick=False)
    def test_new_version_counts_after_transition(self):
        s = status([self.OLD, done(V2024, at(2024, 12, 20))])
        assert s.state == COMPLETED and s.version_id == V2024 and s.valid_until is None

    @time_machine.travel(at(2025, 1, 10), tick=False)
    def test_in_progress_on_the_old_version_does_not_count_as_started(self):
        s = status([CompletionFact(V2023, IN_PROGRESS, None)])
        assert s.state == OVERDUE and not s.started

    @time_machine.travel(at(2024, 10, 1), tick=False)
    def test_newest_completion_is_the_one_shown(self):
        s = status([self.OLD, done(V2024, at(2024, 9, 20))])
        assert s.version_id == V2024 and s.completed_at == at(2024, 9, 20)

    def test_current_version_without_transition_date_means_only_new_versions_count(self):
        rule = Rule(1, 10, VERSIONS, due_on=date(2024, 11, 30), current_version_id=V2024)
        s = status([self.OLD], rule=rule, now=at(2024, 10, 1))
        assert s.state == NOT_STARTED


class TestNewStarters:
    @time_machine.travel(at(2025, 1, 20), tick=False)
    def test_new_starter_has_n_days_from_start(self):
        starter = PersonFacts(8, True, date(2025, 1, 2), "/1/")
        s = status(person=starter)
        assert s.state == NOT_STARTED and s.due_on == date(2025, 2, 1)

    @time_machine.travel(at(2025, 2, 2), tick=False)
    def test_new_starter_overdue_after_window(self):
        starter = PersonFacts(8, True, date(2025, 1, 2), "/1/")
        assert status(person=starter).state == OVERDUE

    @time_machine.travel(at(2024, 11, 10), tick=False)
    def test_long_serving_staff_keep_the_requirement_due_date(self):
        s = status(person=PersonFacts(9, True, date(2024, 10, 1), "/1/"))
        assert s.due_on == date(2024, 11, 30)  # 1 Oct + 30 days is earlier than the due date

    @time_machine.travel(at(2025, 1, 20), tick=False)
    def test_not_yet_started_employment_is_not_covered(self):
        assert status(person=PersonFacts(8, True, date(2025, 2, 1), "/1/")) is None


class TestRenewal:
    RULE = Rule(2, 10, VERSIONS, due_on=date(2024, 1, 31), renewal_months=12)

    def test_completion_counts_for_m_months_then_is_due_again(self):
        c = [done(V2023, at(2024, 1, 15))]
        assert status(c, rule=self.RULE, now=at(2025, 1, 15)).state == COMPLETED
        s = status(c, rule=self.RULE, now=at(2025, 1, 16))
        assert s.state == OVERDUE and s.due_on == date(2025, 1, 15)

    def test_month_end_is_clamped(self):
        assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
        assert add_months(date(2023, 12, 31), 14) == date(2025, 2, 28)


class TestExemptions:
    LEAVE = ExemptionFact(None, date(2024, 10, 1), date(2025, 3, 31))

    def test_exempt_while_in_force(self):
        s = status(exemptions=[self.LEAVE], now=at(2025, 1, 1))
        assert s.state == EXEMPT and s.exempt_until == date(2025, 3, 31)

    def test_overdue_again_after_the_end_date(self):
        assert status(exemptions=[self.LEAVE], now=at(2025, 4, 1)).state == OVERDUE

    def test_exemption_for_another_course_does_not_apply(self):
        other = ExemptionFact(99, date(2024, 10, 1), date(2025, 3, 31))
        assert status(exemptions=[other], now=at(2025, 1, 1)).state == OVERDUE

    def test_completed_beats_exempt(self):
        s = status([done(V2024, at(2024, 10, 1))], [self.LEAVE], now=at(2025, 1, 1))
        assert s.state == COMPLETED


def test_completions_after_now_are_ignored_for_the_past():
    c = [done(V2024, at(2025, 2, 1))]
    assert status(c, now=at(2025, 1, 1)).state == OVERDUE
    assert status(c, now=at(2025, 2, 2)).state == COMPLETED


def test_unit_scoped_requirement_covers_the_units_subtree_only():
    rule = Rule(3, 10, VERSIONS, due_on=date(2024, 11, 30), unit_ids=frozenset({2}))
    now = at(2024, 10, 1)
    assert status(person=PersonFacts(1, True, None, "/1/2/5/"), rule=rule, now=now) is not None
    assert status(person=PersonFacts(2, True, None, "/1/22/"), rule=rule, now=now) is None
    assert status(person=PersonFacts(3, True, None, None), rule=rule, now=now) is None


def test_inactive_people_are_not_covered():
    assert status(person=PersonFacts(1, False, None, "/1/"), now=at(2024, 10, 1)) is None


def test_completion_of_another_course_does_not_count():
    assert status([done(55, at(2024, 10, 1))], now=at(2024, 10, 2)).state == NOT_STARTED


def test_bulk_equals_one_by_one():
    people = [PersonFacts(i, True, date(2024, 12, i % 28 + 1) if i % 5 == 0 else date(2010, 1, 1), "/1/")
              for i in range(1, 60)]
    completions = {i: [done(V2024 if i % 2 else V2023, at(2024, 10, i % 28 + 1))] for i in range(1, 60, 3)}
    exemptions = {4: [ExemptionFact(None, date(2024, 1, 1), date(2026, 1, 1))]}
    now = at(2025, 1, 3)
    bulk = bulk_statuses(RULE, people, completions, exemptions, now, TZ)
    for p in people:
        assert bulk.get(p.id) == person_status(RULE, p, completions.get(p.id, []), exemptions.get(p.id, []), now, TZ)
    counts = Counts()
    for s in bulk.values():
        counts.add(s.state)
    assert counts.required == len(bulk) and counts.completed > 0 and counts.overdue > 0


@pytest.mark.parametrize("completed, exempt, required, expected", [(5, 0, 10, 50.0), (3, 4, 10, 50.0), (0, 2, 2, None)])
def test_percent_leaves_out_the_exempt(completed, exempt, required, expected):
    c = Counts(completed=completed, exempt=exempt, not_started=required - completed - exempt)
    assert c.percent == expected
