"""Log-out with single sign-on: back-channel logout tokens from the IdP (OIDC Back-Channel
Logout 1.0), checked and acted on; the break-glass local form; the login page's choices."""
from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select

from auth.sessions import sessions_of
from extensions import db
from models import AuditEvent, OidcSignIn
from tests.auth.conftest import crafted_sign_in, oidc_settings, signed_in
from tests.oidc.provider import CLIENT_ID, new_signing_key

EVENT = {"http://schemas.openid.net/event/backchannel-logout": {}}


@pytest.fixture
def app_config(crafted_idp):
    return oidc_settings(crafted_idp.issuer, OIDC_MATCH_CLAIM="email", OIDC_MATCH_FIELD="email")


@pytest.fixture
def anna(make_person, idp):
    person = make_person("anna")
    db.session.commit()
    idp.claims = {"email": "anna@example.se", "sub": "subject-anna", "sid": "idp-session-1"}
    return person


def logout_token(idp, **changes) -> str:
    now = int(time.time())
    claims = {"iss": idp.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 120, "jti": uuid.uuid4().hex,
              "sub": "subject-anna", "sid": "idp-session-1", "events": EVENT}
    claims.update(changes)
    return idp.sign({k: v for k, v in claims.items() if v is not None})


def post(client, token: str):
    return client.post("/login/oidc/backchannel-logout", data={"logout_token": token})


def test_back_channel_logout_ends_the_session(client, idp, anna):
    crafted_sign_in(client, idp)
    assert signed_in(client)
    response = post(client.application.test_client(), logout_token(idp))  # the IdP has no cookies
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = client.get("/")
    assert page.status_code == 302 and page.headers["Location"] == "/login"
    assert "Du har loggats ut via regionens inloggning" in client.get("/login").get_data(as_text=True)
    assert db.session.scalar(select(OidcSignIn)).ended_reason == "backchannel"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.oidc_backchannel_logout"))


def test_logout_by_sub_only_ends_every_sign_in_of_that_user(client, app, idp, anna):
    crafted_sign_in(client, idp)
    other = app.test_client()
    idp.claims = {**idp.claims, "sid": "idp-session-2"}
    crafted_sign_in(other, idp)
    assert len(sessions_of(anna.id)) == 2
    assert post(app.test_client(), logout_token(idp, sid=None)).status_code == 200
    assert sessions_of(anna.id) == []  # ended in the session store at once (auth/sessions.py)
    assert not signed_in(client) and not signed_in(other)


def test_logout_by_sid_leaves_other_idp_sessions(client, app, idp, anna):
    crafted_sign_in(client, idp)
    other = app.test_client()
    idp.claims = {**idp.claims, "sid": "idp-session-2"}
    crafted_sign_in(other, idp)
    assert post(app.test_client(), logout_token(idp, sub=None)).status_code == 200
    assert not signed_in(client) and signed_in(other)
    assert len(sessions_of(anna.id)) == 1  # the ended browser's stored session is gone too


@pytest.mark.parametrize("changes, why", [
    ({"events": None}, "event"),
    ({"events": {"http://schemas.openid.net/event/other": {}}}, "event"),
    ({"nonce": "n-1"}, "nonce"),
    ({"sub": None, "sid": None}, "neither sub nor sid"),
    ({"aud": "another-app"}, "aud"),
    ({"iss": "https://elsewhere.example"}, "iss"),
    ({"jti": None}, "jti"),
    ({"iat": None}, "iat"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "Expired"),
    ({"exp": None, "iat": int(time.time()) - 3600}, "too old"),
])
def test_bad_logout_tokens_are_refused(client, app, idp, anna, changes, why):
    crafted_sign_in(client, idp)
    response = post(app.test_client(), logout_token(idp, **changes))
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request" and why in response.json["error_description"]
    assert signed_in(client)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.oidc_backchannel_refused"))
    assert why in event.detail["detail"]


def test_forged_and_unknown_key_logout_tokens_are_refused(client, app, idp, anna):
    crafted_sign_in(client, idp)
    forged = idp.sign({"iss": idp.issuer, "aud": CLIENT_ID, "iat": int(time.time()), "jti": "x", "sub": "subject-anna",
                       "events": EVENT}, key=new_signing_key(idp.key.kid))
    assert post(app.test_client(), forged).status_code == 400
    unknown = idp.sign({"iss": idp.issuer, "aud": CLIENT_ID, "iat": int(time.time()), "jti": "y",
                        "sub": "subject-anna", "events": EVENT}, key=new_signing_key("unknown"))
    assert post(app.test_client(), unknown).status_code == 400
    assert post(app.test_client(), "not-a-jwt").status_code == 400
    assert signed_in(client)


def test_a_replayed_logout_token_is_refused(client, app, idp, anna):
    token = logout_token(idp)
    assert post(app.test_client(), token).status_code == 200
    replay = post(app.test_client(), token)
    assert replay.status_code == 400 and "replayed" in replay.json["error_description"]


def test_logout_token_for_an_unknown_user_is_accepted_and_ends_nothing(client, app, idp, anna):
    crafted_sign_in(client, idp)
    assert post(app.test_client(), logout_token(idp, sub="someone-else", sid="other")).status_code == 200
    assert signed_in(client)


def test_login_page_shows_only_the_button_when_fallback_is_off(client, anna):
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med regionens inloggning" in page and 'href="/login/oidc' in page
    assert 'name="password"' not in page
    assert client.post("/login", data={"username": "anna", "password": "correct-horse-battery"}).status_code == 404
    assert not signed_in(client)


def test_password_form_comes_back_with_fallback_on(client, app, anna):
    app.config.update(LOGIN_PASSWORD_FALLBACK=True, OIDC_BUTTON_LABEL="Logga in med SITHS-kort")
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med SITHS-kort" in page and 'name="password"' in page
    assert client.post("/login", data={"username": "anna", "password": "correct-horse-battery"}).status_code == 302


def test_local_break_glass_form_accepts_local_accounts_only(client, app, make_person, password_hash):
    make_person("nodadmin", roles=("admin",))
    make_person("dirperson", password=False)
    db.session.commit()
    assert 'name="password"' in client.get("/login/lokal").get_data(as_text=True)
    assert client.post("/login/lokal", data={"username": "dirperson", "password": "x" * 12}).status_code == 401
    response = client.post("/login/lokal", data={"username": "nodadmin", "password": "correct-horse-battery"})
    assert response.status_code == 302 and signed_in(client)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.local")).actor_id is not None


def test_without_oidc_the_sso_routes_are_absent_and_the_form_is_there(app, client):
    app.config["OIDC_ISSUER"] = ""
    assert client.get("/login/oidc").status_code == 404
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' in page and "/login/oidc" not in page


def test_old_sign_ins_and_logout_token_ids_are_pruned(app, anna):
    from datetime import datetime, timedelta, timezone

    from auth.oidc_operations import prune
    from models import OidcLogoutToken

    now = datetime(2026, 12, 7, 3, 20, tzinfo=timezone.utc)
    for age in (timedelta(days=3), timedelta(hours=1)):
        db.session.add(OidcSignIn(person_id=anna.id, issuer="https://idp", subject="s", created_at=now - age))
        db.session.add(OidcLogoutToken(issuer="https://idp", jti=f"j{age}", received_at=now - age))
    db.session.commit()
    assert prune(now) == 2
    assert [r.created_at for r in db.session.scalars(select(OidcSignIn))] == [now - timedelta(hours=1)]
