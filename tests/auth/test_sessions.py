"""Server-side sessions: a copied cookie dies at log-out, on a removed role, by an admin's
button, after the idle and total limits; the id changes at log-in and when roles change."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app import create_app
from auth import sessions
from auth.session_store import store_key
from auth.tasks import purge_sessions
from extensions import db
from jobs.registry import all_jobs
from models import UserSession
from tests.conftest import PASSWORD, test_config

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)


pytestmark = pytest.mark.usefixtures("user_per_request")


def sid_of(app, client) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def replay(app, sid: str, path: str = "/", **kwargs):
    """The request a thief with a copy of the cookie would make (no expiry: the browser's
    cookie lifetime is not what protects us)."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], sid)
    return thief.get(path, **kwargs)


def login(client, username: str):
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    return response


def count_sessions(person_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(UserSession)
    if person_id is not None:
        stmt = stmt.where(UserSession.person_id == person_id)
    return db.session.scalar(stmt)


def test_the_cookie_holds_only_an_id_and_the_row_knows_whose(app, client, org):
    login(client, "ann")
    sid = sid_of(app, client)
    row = db.session.scalar(select(UserSession))
    assert row.person_id == org["ann"].id and row.session_key == store_key(sid) != sid
    assert len(sid) >= 40 and "ann" not in sid
    assert row.expires_at - row.last_seen_at == timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])


def test_a_copied_cookie_is_refused_after_logout(app, client, org):
    login(client, "ann")
    stolen = sid_of(app, client)
    assert replay(app, stolen).status_code == 200
    client.post("/logout")
    assert replay(app, stolen).status_code == 302
    assert count_sessions(org["ann"].id) == 0


def test_the_session_id_changes_at_login(app, client, org):
    with client.session_transaction() as planted:  # e.g. a fixed id an attacker got the victim to use
        planted["lang"] = "en"
    before = sid_of(app, client)
    assert before and count_sessions() == 1
    login(client, "ann")
    after = sid_of(app, client)
    assert after != before
    assert replay(app, before).status_code == 302 and replay(app, after).status_code == 200
    with client.session_transaction() as kept:
        assert kept["lang"] == "en"


def test_an_unknown_session_id_is_never_adopted(app, client, org):
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "attacker-chosen-id")
    login(client, "ann")
    assert sid_of(app, client) != "attacker-chosen-id"
    assert db.session.scalar(select(UserSession.session_key)) != store_key("attacker-chosen-id")


def test_idle_sessions_end(app, client, org):
    idle = app.config["SESSION_IDLE_MINUTES"]
    with time_machine.travel(T0, tick=False):
        login(client, "ann")
        sid = sid_of(app, client)
    with time_machine.travel(T0 + timedelta(minutes=idle - 5), tick=False):
        assert replay(app, sid).status_code == 200  # activity moves the deadline
    with time_machine.travel(T0 + timedelta(minutes=2 * idle - 10), tick=False):
        assert replay(app, sid).status_code == 200
    with time_machine.travel(T0 + timedelta(minutes=3 * idle - 4), tick=False):
        assert replay(app, sid).status_code == 302
    assert count_sessions(org["ann"].id) == 0


def test_sessions_end_after_the_total_limit_however_active(app, client, org):
    hours = app.config["SESSION_MAX_HOURS"]
    with time_machine.travel(T0, tick=False):
        login(client, "ann")
        sid = sid_of(app, client)
    step = timedelta(minutes=45)
    at = T0
    while at + step < T0 + timedelta(hours=hours):
        at += step
        with time_machine.travel(at, tick=False):
            assert replay(app, sid).status_code == 200, at
    with time_machine.travel(T0 + timedelta(hours=hours, minutes=1), tick=False):
        assert replay(app, sid).status_code == 302


def test_removing_a_role_ends_the_persons_sessions(app, client, org, make_person):
    other_admin = make_person("admin2", roles=("admin",))
    db.session.commit()
    victim = app.test_client()
    login(victim, "admin2")
    login(client, "admin")
    response = client.post(f"/admin/people/{other_admin.id}/roles", data={"role": "admin", "action": "revoke"})
    assert response.status_code == 302
    assert count_sessions(other_admin.id) == 0
    assert victim.get("/").status_code == 302  # logged out, not merely without the role
    assert client.get("/").status_code == 200  # the admin who acted keeps their session


def test_revoking_on_the_command_line_ends_sessions(app, client, runner, org):
    login(client, "comms")
    result = runner.invoke(args=["users", "revoke", "comms", "comms"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302


def test_a_granted_role_gives_the_session_a_new_id(app, client, org, make_person):
    login(client, "ann")
    before = sid_of(app, client)
    admin = app.test_client()
    login(admin, "admin")
    assert admin.post(f"/admin/people/{org['ann'].id}/roles",
                      data={"role": "comms", "action": "grant"}).status_code == 302
    assert client.get("/").status_code == 200
    after = sid_of(app, client)
    assert after != before
    assert replay(app, before).status_code == 302 and replay(app, after).status_code == 200


def test_a_role_lost_without_a_signal_still_ends_the_session(app, client, org):
    from models import RoleGrant

    login(client, "comms")
    db.session.execute(RoleGrant.__table__.delete().where(RoleGrant.person_id == org["comms"].id))
    db.session.commit()  # as a bulk change that announced nothing would
    assert client.get("/").status_code == 302


def test_admin_sees_and_ends_a_persons_sessions(app, client, org):
    ann = app.test_client()
    ann.post("/login", data={"username": "ann", "password": PASSWORD}, headers={"User-Agent": "Firefox/140 test"},
             environ_base={"REMOTE_ADDR": "10.1.2.3"})
    login(client, "admin")
    page = client.get(f"/people/{org['ann'].id}").get_data(as_text=True)
    assert "10.1.2.3" in page and "Firefox/140 test" in page and "Avsluta alla inloggningar" in page
    [row] = sessions.sessions_of(org["ann"].id)
    response = client.post(f"/admin/people/{org['ann'].id}/sessions/end", data={"session": row.id})
    assert response.status_code == 302
    assert ann.get("/", headers={"User-Agent": "Firefox/140 test"},
                   environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    assert "Inga pågående inloggningar." in client.get(f"/people/{org['ann'].id}").get_data(as_text=True)


def test_only_admins_see_sessions_and_may_end_them(app, client, org):
    login(client, "boss")
    page = client.get(f"/people/{org['ann'].id}")
    assert page.status_code == 200 and "Inloggningar" not in page.get_data(as_text=True)
    assert client.post(f"/admin/people/{org['ann'].id}/sessions/end").status_code == 403


def test_end_sessions_for_ends_every_session_of_one_person(app, org):
    clients = [app.test_client() for _ in range(3)]
    for c, name in zip(clients, ["ann", "ann", "ben"], strict=True):
        login(c, name)
    assert len(sessions.sessions_of(org["ann"].id)) == 2
    assert sessions.end_sessions_for(org["ann"].id, "back-channel logout") == 2
    assert [c.get("/").status_code for c in clients] == [302, 302, 200]


def test_expired_sessions_are_purged_by_a_scheduled_job(app, org):
    assert "auth.purge_sessions" in {job.id for job in all_jobs(app)}
    with time_machine.travel(T0, tick=False):
        login(app.test_client(), "ann")
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        login(app.test_client(), "ben")
    summary = purge_sessions(T0 + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    assert summary.startswith("1 ")
    assert count_sessions(org["ann"].id) == 0 and count_sessions(org["ben"].id) == 1


@pytest.mark.parametrize("secure", [True, False])
def test_secure_cookies_get_the_host_prefix(migrated, secure):
    app = create_app(test_config(migrated, SESSION_COOKIE_SECURE=secure))
    with app.app_context():
        response = app.test_client().get("/login?next=/")
        with app.test_request_context():
            from flask import session

            session["x"] = 1
            cookie_response = app.make_response("")
            app.session_interface.save_session(app, session, cookie_response)
        header = cookie_response.headers["Set-Cookie"]
        assert response.status_code == 200
        if secure:
            assert header.startswith("__Host-vaksam_session=") and "Secure" in header and "Path=/" in header
            assert "Domain" not in header
        else:
            assert header.startswith("vaksam_session=")
        db.session.remove()
