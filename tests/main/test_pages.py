"""Shared pages: accessibility statement, language choice, Swedish dates."""
from __future__ import annotations

from datetime import datetime, timezone

from extensions import db


def test_accessibility_statement_is_public(client):
    response = client.get("/tillganglighet")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Tillgänglighetsredogörelse" in body and "WCAG 2.1" in body and "Digg" in body


def test_login_page_is_swedish_by_default(client):
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in body and "Logga in" in body


def test_accept_language_english(client):
    body = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in body and "Log in" in body


def test_language_choice_beats_browser(client):
    client.post("/sprak", data={"lang": "en"})
    body = client.get("/login", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in body


def test_signed_in_choice_is_remembered(client, auth, org):
    auth.login("ann")
    client.post("/sprak", data={"lang": "en"})
    db.session.expire_all()
    assert org["ann"].locale == "en"


def test_unknown_language_ignored(client):
    client.post("/sprak", data={"lang": "xx"})
    assert '<html lang="sv">' in client.get("/login").get_data(as_text=True)


def test_swedish_date_and_time(app):
    from flask import request  # noqa: F401

    from main.i18n import fmt_date, fmt_datetime

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        value = datetime(2024, 10, 27, 0, 30, tzinfo=timezone.utc)  # 02:30 summer time in Stockholm
        assert fmt_datetime(value) == "27 okt. 2024 02:30"
        assert fmt_date(value.date(), "long") == "27 oktober 2024"
