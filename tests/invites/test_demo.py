"""The demo: upcoming lectures with seats, the demo employee registered (once), history for October 2024."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from demo.invites import UPCOMING_TITLE
from demo.load import load_demo
from extensions import db
from models import Activity, Campaign, OutboxMessage, Person, Registration
from tests.conftest import demo_password


@pytest.fixture
def app_config():
    return {"DEMO_MODE": True}  # the demo loads only in demo mode


def test_demo_gives_the_employee_registrations_and_is_idempotent(app, client):
    first = load_demo()["invites"]
    counts = (db.session.scalar(select(func.count()).select_from(Registration)),
              db.session.scalar(select(func.count()).select_from(OutboxMessage)))
    second = load_demo()["invites"]
    assert first["employee_registration"] == "registered" and first["history"] == 1
    assert second["employee_registration"] == "unchanged" and second["history"] == 0
    assert counts == (db.session.scalar(select(func.count()).select_from(Registration)),
                      db.session.scalar(select(func.count()).select_from(OutboxMessage)))
    employee = db.session.scalar(select(Person).where(Person.username == "anstalld"))
    mine = db.session.scalars(select(Registration).where(Registration.person_id == employee.id)).all()
    assert len(mine) == 2 and {r.status for r in mine} == {"registered"}
    upcoming = db.session.scalar(select(Campaign).where(Campaign.title == UPCOMING_TITLE))
    seats = [a for a in upcoming.activities if a.capacity]
    assert len(seats) == 2
    client.post("/login", data={"username": "anstalld", "password": demo_password("anstalld")})
    page = client.get("/aktiviteter").get_data(as_text=True)
    assert "Du är anmäld." in page and "Ställ mig på väntelistan" in page  # the workshop is full
    october = db.session.scalars(select(Activity).where(Activity.capacity.is_not(None),
                                                        Activity.campaign_id != upcoming.id)).all()
    assert len(october) >= 3  # the October 2024 lectures with seats
