"""Log-in against a real slapd: sessions end when the sync deactivates a person or a directory
group takes a role away; odd passwords are wrong, not errors; unknown names cost a bind too;
plain ldap:// needs StartTLS or an explicit LDAP_ALLOW_PLAINTEXT."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

import config
from app import create_app
from auth import login as password_login
from directory.sync import run_sync
from extensions import db
from models import LoginAttempt, Person, UserSession
from tests.conftest import test_config

NOW = datetime(2024, 9, 2, tzinfo=timezone.utc)
pytestmark = pytest.mark.usefixtures("user_per_request")


@pytest.fixture
def people(app, tree):
    tree.add(tree.entry("chef", password="chef-password-1"),
             tree.entry("ann", manager="chef", password="ann-password-1"),
             tree.entry("ben", manager="chef", password="ben-password-1"))
    tree.add(*[tree.entry(f"q{i}", manager="chef") for i in range(20)])
    app.config["LDAP_ADMIN_GROUP_DN"] = tree.group("admins", ["ann"])
    assert run_sync(NOW).ok
    return tree


def person(username: str) -> Person:
    return db.session.scalar(select(Person).where(Person.username == username))


def sessions_of(username: str) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.person_id == person(username).id))


def test_deactivation_by_the_sync_ends_sessions(app, client, people):
    other = app.test_client()
    assert client.post("/login", data={"username": "ben", "password": "ben-password-1"}).status_code == 302
    assert other.post("/login", data={"username": "chef", "password": "chef-password-1"}).status_code == 302
    people.modify("ben", description="disabled")
    assert run_sync(NOW).ok
    assert sessions_of("ben") == 0 and sessions_of("chef") == 1
    assert client.get("/").status_code == 302 and other.get("/").status_code == 200


def test_a_directory_group_taking_admin_away_ends_sessions(app, client, people):
    import ldap3

    assert client.post("/login", data={"username": "ann", "password": "ann-password-1"}).status_code == 302
    assert "admin" in person("ann").roles and client.get("/admin/people").status_code == 200
    conn = people.connection()
    conn.modify(app.config["LDAP_ADMIN_GROUP_DN"], {"member": [(ldap3.MODIFY_REPLACE, [people.dns["chef"]])]})
    conn.unbind()
    assert run_sync(NOW).ok
    assert sessions_of("ann") == 0
    assert client.get("/admin/people").status_code == 302


@pytest.mark.parametrize("password", ["ann-password-1\x00", "ann\x00password-1", "ann-pass\nword-1", "\u0627a-1"])
def test_odd_passwords_are_wrong_not_errors(client, people, password):
    response = client.post("/login", data={"username": "ann", "password": password})
    assert response.status_code == 401 and "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    attempt = db.session.scalar(select(LoginAttempt).order_by(LoginAttempt.id.desc()))
    assert attempt.success is False and attempt.account == f"person:{person('ann').id}"


def test_spellings_of_a_directory_name_share_one_budget(app, client, people):
    for spelling in ["ANN", "ａｎｎ", " Ann "]:
        assert client.post("/login", data={"username": spelling, "password": "wrong-password"}).status_code == 401
    assert {a.account for a in db.session.scalars(select(LoginAttempt))} == {f"person:{person('ann').id}"}
    assert client.post("/login", data={"username": "ａｎｎ", "password": "ann-password-1"}).status_code == 302


def test_unknown_known_and_local_names_do_the_same_work(app, people, make_person):
    make_person("local-admin")  # a local account (password hash) next to the directory
    db.session.commit()
    results = {name: password_login.authenticate(name, "wrong-password", "10.0.0.1", NOW)
               for name in ("ann", "nobody-here", "local-admin")}
    assert {r.outcome for r in results.values()} == {"invalid"}
    assert {tuple(r.checks) for r in results.values()} == {("search", "hash", "bind")}


def test_plain_ldap_needs_start_tls_or_an_explicit_choice(migrated, caplog, monkeypatch):
    plain = {"LDAP_URL": "ldap://directory.region.example"}
    with pytest.raises(config.ConfigError) as info:
        create_app(test_config(migrated, **plain))
    assert "LDAP_START_TLS" in str(info.value)
    create_app(test_config(migrated, LDAP_START_TLS=True, **plain))
    create_app(test_config(migrated, LDAP_URL="ldaps://directory.region.example"))
    caplog.set_level(logging.WARNING)
    # `flask db upgrade` in an earlier test ran alembic's fileConfig, which disables existing loggers.
    monkeypatch.setattr(logging.getLogger("app"), "disabled", False)
    create_app(test_config(migrated, LDAP_ALLOW_PLAINTEXT=True, **plain))
    assert "LDAP_ALLOW_PLAINTEXT" in caplog.text


def test_plaintext_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("LDAP_ALLOW_PLAINTEXT", "1")
    assert config.from_env()["LDAP_ALLOW_PLAINTEXT"] is True
