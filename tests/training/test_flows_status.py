"""Status rules people can trust: a new starter without a start date gets the new-starter
window from the day the sync first saw them; done with an older version shows "Klar (gäller
till …)" and is found by "Behöver nya versionen"; a directory sync marks the cache stale."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

import signals
from directory.tree import rebuild_closure
from extensions import db
from models import TrainingRefresh
from tests.training.conftest import local
from training import facts, freshness
from training.status import NOT_STARTED, OVERDUE, PersonFacts, Rule, person_status

TZ = ZoneInfo("Europe/Stockholm")
RULE = Rule(1, 10, {1: date(2023, 9, 1)}, due_on=date(2024, 11, 30), new_starter_days=30)


def test_first_seen_day_starts_the_new_starter_window_without_a_start_date():
    now = datetime(2024, 12, 10, 12, tzinfo=timezone.utc)
    seen = PersonFacts(1, first_seen=date(2024, 12, 2))
    assert person_status(RULE, seen, [], [], now, TZ).state == NOT_STARTED
    assert person_status(RULE, seen, [], [], now, TZ).due_on == date(2025, 1, 1)
    # A start date, when the directory has one, wins; with neither, the requirement's due date.
    dated = PersonFacts(1, start_date=date(2024, 6, 1), first_seen=date(2024, 12, 2))
    assert person_status(RULE, dated, [], [], now, TZ).state == OVERDUE
    assert person_status(RULE, PersonFacts(1), [], [], now, TZ).state == OVERDUE


def test_a_person_the_sync_saw_after_the_first_load_is_a_new_starter(org, course, make_person, time_machine):
    for person in org.values():  # the first load of the directory
        person.created_at = local(2024, 9, 1, 3, 0)
    time_machine.move_to(local(2024, 12, 2, 3, 0), tick=False)
    newbie = make_person("newbie", manager=org["lead"], start_date=None)
    rebuild_closure(db.session)
    db.session.commit()
    time_machine.move_to(local(2024, 12, 10, 12, 0), tick=False)
    statuses = facts.statuses(course["requirement"], local(2024, 12, 10, 12, 0),
                              [newbie.id, org["ben"].id])
    assert statuses[newbie.id].state == NOT_STARTED and statuses[newbie.id].due_on == date(2025, 1, 1)
    assert statuses[org["ben"].id].state == OVERDUE  # there from the first load, start date 2020


def test_done_with_the_old_version_shows_until_when_and_needs_the_new_one(client, auth, org, course, complete,
                                                                         time_machine):
    time_machine.move_to(local(2024, 11, 10, 10, 0), tick=False)  # before the transition on 30 Nov
    complete(org["ann"], course["v2023"], local(2024, 1, 10))
    complete(org["ben"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    freshness.run_pending(local(2024, 11, 10, 10, 0))  # the scheduler's job: pages only read the cache
    auth.login("lead")
    page = client.get("/training/team?state=completed").get_data(as_text=True)
    ann_row = page.split("Ann Testsson</a>")[1].split("</tr>")[0]
    ben_row = page.split("Ben Testsson</a>")[1].split("</tr>")[0]
    assert "Klar (gäller till 30 nov. 2024)" in ann_row and "Genomförd" in ben_row
    page = client.get("/training/team?state=needs_new").get_data(as_text=True)
    assert "Behöver nya versionen" in page
    people = page.split('id="people"')[1]
    assert "Ann Testsson" in people and "Ben Testsson" not in people


def test_a_directory_sync_marks_the_status_cache_stale(app, org, course, time_machine):
    time_machine.move_to(local(2024, 12, 3, 10, 0), tick=False)
    freshness.run_pending(local(2024, 12, 3, 10, 0))
    stamp = db.session.scalar(select(TrainingRefresh))
    assert stamp is not None and stamp.dirty is False
    signals.directory_synced.send(app, run_id=1, changed_person_ids={org["ben"].id}, deactivated_person_ids=set())
    db.session.expire_all()
    assert db.session.scalar(select(TrainingRefresh)).dirty is True
