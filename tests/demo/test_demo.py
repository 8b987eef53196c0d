"""The Region Exempel demo."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from demo.load import load_demo
from demo.region import DEMO_LOGINS, build_region
from extensions import db
from models import Person


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


def test_demo_manager_has_a_few_hundred_below(app):
    load_demo()
    chef = db.session.scalar(select(Person).where(Person.username == "chef"))
    assert 200 <= chef.subtree_size <= 600


def test_demo_logins_shown_on_the_login_page_in_demo_mode(app, client):
    assert "Demoinloggningar" not in client.get("/login").get_data(as_text=True)  # nothing loaded yet
    password = load_demo()["logins"][0]["password"]
    assert password in client.get("/login").get_data(as_text=True)


def test_demo_logins_not_shown_outside_demo_mode(migrated, app):
    from app import create_app
    from tests.conftest import test_config

    password = load_demo()["logins"][0]["password"]
    production = create_app(test_config(migrated))  # the same database, DEMO_MODE off
    body = production.test_client().get("/login").get_data(as_text=True)
    assert password not in body and "Demoinloggningar" not in body
