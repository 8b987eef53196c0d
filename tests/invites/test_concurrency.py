"""Two people taking the last seat at the same moment, and a double click sent twice at once:
separate threads with their own database sessions, on both backends."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from extensions import db
from invites import registration
from models import Activity, OutboxMessage, Person, Registration
from tests.invites.conftest import BEFORE
from tests.invites.test_invitations import OCT8


def race(app, activity_id: int, usernames: list[str]) -> list:
    """Register each username in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(usernames))
    results, errors = [], []

    def worker(username: str):
        with app.app_context():
            try:
                activity = db.session.get(Activity, activity_id)
                person = db.session.scalar(select(Person).where(Person.username == username))
                barrier.wait(timeout=10)
                outcome = registration.register(activity, person, BEFORE)
                db.session.commit()
                results.append(outcome.status)
            except Exception as exc:  # reported below, with the thread's own traceback text
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(name,)) for name in usernames]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return sorted(results)


def test_two_people_cannot_both_take_the_last_seat(app, world, make_activity):
    for round_no in range(3):
        activity = make_activity(OCT8 + timedelta(days=round_no), OCT8 + timedelta(days=round_no, hours=1),
                                 capacity=1, title=f"Sista platsen {round_no}")
        activity_id = activity.id
        assert race(app, activity_id, ["anna", "bo"]) == ["registered", "waiting"]
        seated = db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.activity_id == activity_id, Registration.status == "registered"))
        assert seated == 1


def test_a_double_click_arriving_twice_at_once_registers_once(app, world, make_activity):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=5)
    activity_id = activity.id
    assert race(app, activity_id, ["anna", "anna"]) == ["registered", "unchanged"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
