"""The Region Exempel demo."""
from __future__ import annotations

from sqlalchemy import func, select

from demo.load import load_demo
from demo.region import DEMO_LOGINS, build_region
from extensions import db
from models import Person


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
    for login in DEMO_LOGINS:
        response = client.post("/login", data={"username": login["username"], "password": login["password"]})
        assert response.status_code == 302, login["username"]
        person = db.session.scalar(select(Person).where(Person.username == login["username"]))
        assert login["role"] in person.roles
        client.post("/logout")


def test_demo_manager_has_a_few_hundred_below(app):
    load_demo()
    chef = db.session.scalar(select(Person).where(Person.username == "chef"))
    assert 200 <= chef.subtree_size <= 600


def test_demo_logins_shown_only_in_demo_mode(app, client):
    load_demo()
    assert "vaksam-admin" not in client.get("/login").get_data(as_text=True)
    app.config.update(DEMO_MODE=True, DEMO_LOGINS=DEMO_LOGINS)
    assert "vaksam-admin" in client.get("/login").get_data(as_text=True)


def test_demo_has_pulses_and_an_apt_with_partial_coverage(app, client):
    from flask import current_app
    from sqlalchemy import select

    from apt import queries as apt_queries
    from demo.pulse import APT_TITLE
    from models import Activity
    from models.pulse import Pulse
    from pulse import results

    out = load_demo()["pulse"]
    closed = app.extensions["sqlalchemy"].session.get(Pulse, out["closed_pulse"])
    rows = results.report(closed, "Hela regionen", "Övriga i %(unit)s")
    assert rows[0].answers == out["answers"] > 100
    assert any("Övriga" in r.label for r in rows) or len(rows) < 10  # small units merged
    assert all(r.answers >= current_app.config["PULSE_MIN_GROUP"] for r in rows)
    activity = app.extensions["sqlalchemy"].session.scalar(select(Activity).where(Activity.title == APT_TITLE))
    confirmed, expected = apt_queries.coverage_share([activity])
    assert 0 < confirmed < expected
    client.post("/login", data={"username": "anstalld", "password": "vaksam-anstalld"})
    page = client.get(f"/puls/{out['open_pulse']}")
    assert page.status_code == 200 and 'type="radio"' in page.text
