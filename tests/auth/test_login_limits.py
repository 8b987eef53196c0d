"""Log-in: one spelling per user name, limits keyed on the account, nobody kept out by others'
guesses, odd passwords answered like wrong ones, and the same work for unknown names."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from auth import login as password_login
from auth import throttle
from extensions import db
from models import LoginAttempt
from tests.conftest import PASSWORD

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def app_config():
    return {"LOGIN_DELAY_MAX_SECONDS": 0.05}  # the delay's size is tested on its own below


def post(client, username: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_typed_user_names_are_normalised(client, make_person):
    make_person("u000107")
    db.session.commit()
    assert password_login.normalise_username("  ｕ０００１０７ ") == "u000107"
    assert password_login.normalise_username("U000107") == "u000107"
    assert post(client, "ｕ０００１０７").status_code == 302


def test_every_spelling_shares_one_budget(app, client, make_person):
    person = make_person("u000107")
    db.session.commit()
    for spelling in ["u000107", "U000107", "ｕ０００１０７", " u000107", "Ｕ000107"]:
        assert post(client, spelling, "wrong-password").status_code == 401
    assert post(client, "u000107").status_code == 429
    accounts = set(db.session.scalars(select(LoginAttempt.account)))
    assert accounts == {f"person:{person.id}"}


def test_failures_from_other_addresses_never_refuse_a_fresh_address(app, client, org):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for i in range(4 * limit):  # many guesses, spread so no address reaches its own limit
        assert post(client, "ann", "wrong-password", ip=f"10.0.{i % (limit * 2)}.1").status_code == 401
    result = password_login.authenticate("ann", PASSWORD, "192.0.2.50", NOW.replace(year=2100))
    assert result.outcome == "ok"
    assert post(client, "ann", ip="192.0.2.51").status_code == 302


def test_an_account_under_attack_is_slowed_not_locked(app, org):
    from models import utcnow

    now = utcnow()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for i in range(limit + 3):
        assert password_login.authenticate("ann", "wrong-password", f"10.9.0.{i}", now).outcome == "invalid"
    result = password_login.authenticate("ann", PASSWORD, "192.0.2.7", now)
    assert result.outcome == "ok" and result.delay == app.config["LOGIN_DELAY_MAX_SECONDS"]
    quiet = password_login.authenticate("ben", PASSWORD, "192.0.2.7", now)
    assert quiet.outcome == "ok" and quiet.delay == 0


def test_the_delay_grows_and_is_capped():
    delays = [throttle.delay_seconds(n, 5, 5.0) for n in range(0, 20)]
    assert delays[:5] == [0.0] * 5
    assert delays[5] == throttle.BASE_DELAY and delays[6] == 2 * throttle.BASE_DELAY
    assert delays == sorted(delays) and max(delays) == 5.0 and throttle.delay_seconds(10**6, 5, 5.0) == 5.0


def test_the_guessing_address_is_refused_for_that_account(app, client, org):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        post(client, "ann", "wrong-password", ip="10.6.6.6")
    assert post(client, "ann", ip="10.6.6.6").status_code == 429
    assert post(client, "ann", ip="10.7.7.7").status_code == 302


def test_admins_see_accounts_under_attack(app, client, org):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for i in range(limit + 1):
        post(client, "ann", "wrong-password", ip=f"10.3.{i}.1")
    for i in range(limit):
        post(client, "nosuchuser", "wrong-password", ip=f"10.4.{i}.1")
    post(client, "ben", "wrong-password")  # one slip is not an attack
    post(client, "boss")
    assert client.get("/admin/login-attacks").status_code == 403
    client.post("/logout")
    post(client, "admin", ip="10.200.0.1")
    response = client.get("/admin/login-attacks")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert org["ann"].name in body and "nosuchuser" in body and org["ben"].name not in body
    rows = throttle.accounts_under_attack(db.session.scalar(select(LoginAttempt.at).order_by(LoginAttempt.at.desc())))
    assert [(r.account, r.failures, r.addresses) for r in rows][0] == (f"person:{org['ann'].id}", limit + 1, limit + 1)


@pytest.mark.parametrize("password", [
    "correct-horse\x00battery", "line\nbreak-password", "bell\x07-password", "tab\tpassword-1",
    "\u0627\u0644abc-mixed-direction", "tag\U000e0041-character", "\ufff9annotation",
])
def test_odd_passwords_are_just_wrong(app, client, org, password):
    response = post(client, "ann", password)
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    attempt = db.session.scalar(select(LoginAttempt).order_by(LoginAttempt.id.desc()))
    assert attempt.success is False and attempt.account == f"person:{org['ann'].id}"


@pytest.mark.parametrize("username", ["ann\x00", "a\x00nn", "ann\r\nX-Injected: 1", "\x1b[31mann"])
def test_odd_user_names_are_just_wrong(app, client, org, username):
    response = post(client, username, PASSWORD)
    assert response.status_code == 401
    attempt = db.session.scalar(select(LoginAttempt).order_by(LoginAttempt.id.desc()))
    assert attempt.success is False and "\x00" not in attempt.username and "\n" not in attempt.username


def test_saslprep_accepts_ordinary_text():
    for fine in ["correct-horse-battery", "Lösenord med åäö och mellanslag", "パスワード", "\u0627\u0644\u0633"]:
        assert not password_login.saslprep_refuses(fine), fine
    for refused in ["", "a\x00b", "\u0627a", "x\U000e0001"]:
        assert password_login.saslprep_refuses(refused), refused


def test_unknown_and_known_names_do_the_same_work_without_a_directory(app, org):
    known = password_login.authenticate("ann", "wrong-password", "10.1.1.1", NOW)
    unknown = password_login.authenticate("no-such-person", "wrong-password", "10.1.1.2", NOW)
    right = password_login.authenticate("ann", PASSWORD, "10.1.1.3", NOW)
    assert known.outcome == unknown.outcome == "invalid" and right.outcome == "ok"
    assert known.checks == unknown.checks == right.checks == ["hash"]
