"""The Region Exempel demo."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from demo.load import load_demo
from demo.region import DEMO_LOGINS, build_region
from extensions import db
from models import Activity, AuditReport, Campaign, ChangeLog, Person, utcnow
from training import person_queries, queries
from training.status import DONE_STATES


@pytest.fixture
def app_config():
    return {"DEMO_MODE": True}  # the demo loads only in demo mode


def test_region_is_deterministic():
    units1, people1 = build_region()
    units2, people2 = build_region()
    assert [p.external_id for p in people1] == [p.external_id for p in people2]
    assert 1400 <= len(people1) <= 1600
    assert len({p.username for p in people1}) == len(people1)


def test_demo_load_is_idempotent_and_logins_work(app, client):
    first = load_demo()
    count = db.session.scalar(select(func.count()).select_from(Person))
    second = load_demo()
    assert first["directory"]["created"] == count and second["directory"]["created"] == 0
    assert second["directory"]["updated"] == 0 and second["directory"]["moved"] == 0
    assert db.session.scalar(select(func.count()).select_from(Person)) == count
    assert [row["username"] for row in second["logins"]] == [login["username"] for login in DEMO_LOGINS]
    assert second["logins"] == first["logins"]  # a second load keeps the passwords people noted
    for login in first["logins"]:
        response = client.post("/login", data={"username": login["username"], "password": login["password"]})
        assert response.status_code == 302, login["username"]
        person = db.session.scalar(select(Person).where(Person.username == login["username"]))
        assert login["role"] in person.roles
        client.post("/logout")


def test_demo_manager_has_a_few_hundred_below(app, loaded_demo):
    chef = db.session.scalar(select(Person).where(Person.username == "chef"))
    assert 200 <= chef.subtree_size <= 600


def test_demo_logins_shown_on_the_login_page_in_demo_mode(app, client):
    assert "Demoinloggningar" not in client.get("/login").get_data(as_text=True)  # nothing loaded yet
    password = load_demo()["logins"][0]["password"]
    assert password in client.get("/login").get_data(as_text=True)


def test_demo_logins_not_shown_outside_demo_mode(migrated, app, loaded_demo):
    from app import create_app
    from tests.conftest import test_config

    password = loaded_demo["logins"][0]["password"]
    production = create_app(test_config(migrated))  # the same database, DEMO_MODE off
    body = production.test_client().get("/login").get_data(as_text=True)
    assert password not in body and "Demoinloggningar" not in body


@pytest.mark.parametrize("day, due, month, overdue", [
    # July 2026: the due date and the awareness month lie ahead; nobody is overdue yet
    (datetime(2026, 7, 15, 9, 0, tzinfo=timezone.utc), date(2026, 11, 30), "oktober 2026", False),
    # December 2027: the due date passed a week ago, October is just behind
    (datetime(2027, 12, 7, 9, 0, tzinfo=timezone.utc), date(2027, 11, 30), "oktober 2027", True),
])
def test_demo_dates_follow_the_day_it_is_loaded(app, day, due, month, overdue):
    with time_machine.travel(day, tick=True):
        load_demo()
        now = utcnow()
        requirement = queries.requirement_for_course(None)
        campaign = db.session.scalar(select(Campaign).where(Campaign.title.like("Informationssäkerhetsmånaden%")))
        employee = db.session.scalar(select(Person).where(Person.username == "anstalld"))
        status = person_queries.person_training(employee, now, "")[0].status
        total = queries.region(requirement, None).total
        upcoming = db.session.scalar(select(func.count()).select_from(Activity).where(Activity.starts_at > now))
        audit = db.session.scalar(select(AuditReport))
    assert requirement.due_on == due and requirement.transition_on == due
    assert campaign.title == f"Informationssäkerhetsmånaden {month}"
    assert campaign.starts_on == date(due.year, 10, 1) and campaign.ends_on == date(due.year, 10, 31)
    # a realistic mix: done, in progress and not started before the due date; done and overdue after it
    assert total.completed > 100 and (total.overdue > 100) is overdue
    if not overdue:
        assert total.in_progress > 0 and total.not_started > 0
    # the demo employee is not done, so the start page has something to explain
    assert status is not None and status.state not in DONE_STATES
    assert upcoming >= 2  # activities to register for
    # the follow-up history never lies in the future
    assert audit.issued_on < now.date()
    assert max(c.at for c in db.session.scalars(select(ChangeLog))) <= now


def test_demo_has_pulses_and_an_apt_with_partial_coverage(app, client, loaded_demo):
    from flask import current_app
    from sqlalchemy import select

    from apt import queries as apt_queries
    from demo.pulse import APT_TITLE
    from models import Activity
    from models.pulse import Pulse
    from pulse import results

    loaded = loaded_demo
    out = loaded["pulse"]
    closed = app.extensions["sqlalchemy"].session.get(Pulse, out["closed_pulse"])
    rows = results.report(closed, "Hela regionen", "Övriga i %(unit)s")
    assert rows[0].answers == out["answers"] > 100
    assert any("Övriga" in r.label for r in rows)  # small units merged (the demo picks answers in a fixed order)
    assert all(r.answers >= current_app.config["PULSE_MIN_GROUP"] for r in rows)
    activity = app.extensions["sqlalchemy"].session.scalar(select(Activity).where(Activity.title == APT_TITLE))
    confirmed, expected = apt_queries.coverage_share([activity])
    assert 0 < confirmed < expected
    employee = next(row for row in loaded["logins"] if row["username"] == "anstalld")
    client.post("/login", data={"username": "anstalld", "password": employee["password"]})
    page = client.get(f"/puls/{out['open_pulse']}")
    assert page.status_code == 200 and 'type="radio"' in page.text
