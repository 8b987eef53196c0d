"""Logging in and out, rate limits, and what gets logged."""
from __future__ import annotations

import logging

from sqlalchemy import func, select

from extensions import db
from models import LoginAttempt
from tests.conftest import PASSWORD


def test_login_and_logout(client, auth, org):
    response = auth.login("boss")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    response = auth.logout()
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_username_is_case_insensitive(client, auth, org):
    assert auth.login("  BOSS ").status_code == 302


def test_wrong_password_is_refused_in_swedish(client, auth, org):
    response = auth.login("boss", "wrong-password")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_message(client, auth, org):
    response = auth.login("nobody", "whatever-password")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)


def test_inactive_person_cannot_log_in(client, auth, org):
    org["ann"].active = False
    db.session.commit()
    response = auth.login("ann")
    assert response.status_code == 401
    assert "inte aktivt" in response.get_data(as_text=True)


def test_deactivated_while_logged_in_loses_session(client, auth, org):
    auth.login("ann")
    org["ann"].active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_missing_fields_rerender_with_errors(client, org):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Fyll i ditt användarnamn." in body and "Fyll i ditt lösenord." in body
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_rate_limit_per_account(client, auth, org, app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert auth.login("boss", "wrong-password").status_code == 401
    response = auth.login("boss", PASSWORD)  # even the right password now waits
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)
    assert auth.login("ann").status_code == 302  # other accounts are unaffected


def test_rate_limit_per_ip(client, auth, org, app):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for name in ("x1", "x2", "x3"):
        auth.login(name, "wrong-password")
    assert auth.login("ann").status_code == 429
    other_ip = client.post("/login", data={"username": "ann", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_ip.status_code == 302


def test_rate_limit_window_expires(client, auth, org, app):
    from datetime import datetime, timedelta, timezone

    import time_machine

    start = datetime(2024, 10, 1, 8, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False):
        for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
            auth.login("boss", "wrong-password")
        assert auth.login("boss").status_code == 429
    later = start + timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    with time_machine.travel(later, tick=False):
        assert auth.login("boss").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, org):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/login", data={"username": "ann", "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/", target
        client.post("/logout")
    response = client.post("/login", data={"username": "ann", "password": PASSWORD, "next": "/tillganglighet"})
    assert response.headers["Location"] == "/tillganglighet"


def test_logout_needs_post(client, auth, org):
    auth.login("ann")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_password_never_logged(client, org, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "hemligt-lösenord-123"
    client.post("/login", data={"username": "ann", "password": secret})
    assert secret not in caplog.text
    stored = db.session.scalars(select(LoginAttempt)).all()
    assert stored and all(secret not in (a.username + a.ip) for a in stored)
