"""ID tokens Vaksam must refuse, from a provider that crafts them (tests/oidc/crafted.py).

Each refusal gives a clear page, signs nobody in and leaves an audit event naming the reason.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEvent, OidcSignIn
from tests.auth.conftest import crafted_sign_in, oidc_settings
from tests.oidc.crafted import tamper_claims, tamper_signature
from tests.oidc.provider import new_signing_key


@pytest.fixture
def app_config(crafted_idp):
    return oidc_settings(crafted_idp.issuer, OIDC_MATCH_CLAIM="oid", OIDC_MATCH_FIELD="external_id")


@pytest.fixture
def anna(make_person, idp):
    person = make_person("anna", external_id="5a0c7d2e-43f1-4c55-9d0e-0b8a9c1e2f30")
    db.session.commit()
    idp.claims = {"oid": "5A0C7D2E-43F1-4C55-9D0E-0B8A9C1E2F30", "sub": "entra-subject-anna"}
    return person


def refused(response, reason: str, text: str) -> AuditEvent:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert text in response.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.oidc_refused"))
    assert event is not None and event.detail["reason"] == reason
    assert db.session.scalar(select(OidcSignIn)) is None
    return event


def test_a_good_token_signs_in_by_oid(client, idp, anna):
    response = crafted_sign_in(client, idp)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(OidcSignIn)).person_id == anna.id
    assert client.get("/").status_code == 200
    token_request = idp.token_requests[-1]
    assert token_request["grant_type"] == "authorization_code" and len(token_request["code_verifier"]) >= 43


def test_tampered_signature_is_refused(client, idp, anna):
    idp.after_sign = tamper_signature
    event = refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas")
    assert "BadSignature" in event.detail["detail"]
    assert client.get("/").status_code == 302


def test_claims_changed_under_the_signature_are_refused(client, idp, anna):
    idp.after_sign = lambda token: tamper_claims(token, oid="00000000-0000-0000-0000-000000000001")
    refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas")


def test_wrong_audience_is_refused(client, idp, anna):
    idp.tweak = lambda claims, header: claims.update(aud="another-app")
    event = refused(crafted_sign_in(client, idp), "token", "fel mottagare")
    assert "aud" in event.detail["detail"]


def test_extra_audience_without_azp_for_us_is_refused(client, idp, anna):
    idp.tweak = lambda claims, header: claims.update(aud=["vaksam", "another-app"], azp="another-app")
    refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas")


def test_wrong_issuer_is_refused(client, idp, anna):
    idp.tweak = lambda claims, header: claims.update(iss="https://login.example/other")
    assert "iss" in refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas").detail["detail"]


def test_expired_token_is_refused(client, idp, anna):
    now = int(time.time())
    idp.tweak = lambda claims, header: claims.update(iat=now - 3600, exp=now - 600)
    assert "Expired" in refused(crafted_sign_in(client, idp), "token", "för gammalt").detail["detail"]


def test_missing_nonce_is_refused(client, idp, anna):
    idp.tweak = lambda claims, header: claims.pop("nonce")
    assert "nonce" in refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas").detail["detail"]


def test_wrong_nonce_is_refused(client, idp, anna):
    idp.tweak = lambda claims, header: claims.update(nonce="from-another-request")
    assert "nonce" in refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas").detail["detail"]


def test_wrong_at_hash_is_refused(client, idp, anna):
    idp.tweak = lambda claims, header: claims.update(at_hash="AAAAAAAAAAAAAAAAAAAAAA")
    assert "at_hash" in refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas").detail["detail"]


def test_unsigned_token_is_refused(client, idp, anna):
    def unsigned(token: str) -> str:
        import base64

        head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
        return f"{head}.{token.split('.')[1]}."

    idp.after_sign = unsigned
    refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas")


def test_new_key_at_the_provider_is_fetched_once(client, idp, anna):
    assert crafted_sign_in(client, idp).status_code == 302
    client.post("/logout")
    assert idp.jwks_fetches == 1
    rotated = new_signing_key("crafted-2")
    idp.published, idp.signing_key = [idp.key, rotated], rotated
    assert crafted_sign_in(client, idp).status_code == 302
    assert idp.jwks_fetches == 2


def test_unknown_kid_is_refused_after_one_refetch(client, idp, anna):
    idp.signing_key = new_signing_key("never-published")
    event = refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas")
    assert "InvalidKeyId" in event.detail["detail"]
    assert idp.jwks_fetches == 2  # the cached set, then once more


def test_a_token_signed_with_the_key_of_someone_else_but_our_kid_is_refused(client, idp, anna):
    forged = new_signing_key(idp.key.kid)
    idp.signing_key = forged
    assert "BadSignature" in refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas").detail["detail"]


def test_error_from_the_provider_is_shown(client, idp, anna):
    from tests.auth.conftest import begin, come_back

    begin(client)
    response = come_back(client, "http://localhost/login/oidc/callback?error=access_denied&state=x")
    assert response.status_code == 400
    assert "avbröt inloggningen" in response.get_data(as_text=True)


def test_callback_without_a_started_sign_in_is_refused(client, idp, anna):
    response = client.get("/login/oidc/callback?code=abc&state=never-issued")
    refused(response, "state", "Börja om från inloggningssidan")


def test_immutable_id_in_base64_matches_the_objectguid(client, app, idp, anna):
    import base64
    import uuid

    immutable = base64.b64encode(uuid.UUID(anna.external_id).bytes_le).decode()
    idp.claims = {"oid": immutable, "sub": "x"}
    assert crafted_sign_in(client, idp).status_code == 302


def test_two_people_with_the_same_mail_are_refused(client, app, idp, make_person):
    make_person("twin1", email="twin@example.se")
    make_person("twin2", email="Twin@Example.se")
    db.session.commit()
    app.config.update(OIDC_MATCH_CLAIM="email", OIDC_MATCH_FIELD="email")
    idp.claims = {"email": "twin@example.se"}
    response = crafted_sign_in(client, idp)
    assert response.status_code == 403
    assert "fler än en person" in response.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.oidc_refused"))
    assert event.detail["reason"] == "several" and event.detail["value"] == "twin@example.se"


def test_groups_overage_falls_back_to_directory_groups(client, app, idp, anna):
    from auth.operations import grant_role
    from models import RoleGrant

    app.config.update(OIDC_ADMIN_VALUES="g-admins", OIDC_COMMS_VALUES="comms-role")
    grant_role(anna, "admin", granted_by=None, source="oidc")
    grant_role(anna, "admin", granted_by=None, source="directory")
    db.session.commit()
    # Entra ID: too many groups for the token, so `groups` is left out and named in _claim_names.
    idp.claims = {**idp.claims, "_claim_names": {"groups": "src1"},
                  "_claim_sources": {"src1": {"endpoint": "https://graph.windows.net/x/users/y/getMemberObjects"}},
                  "roles": ["Comms-Role"]}
    assert crafted_sign_in(client, idp).status_code == 302
    grants = {(g.role, g.source) for g in db.session.scalars(select(RoleGrant))}
    assert grants == {("admin", "directory"), ("comms", "oidc")}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.oidc"))
    assert event.detail["groups_overage"] is True and event.detail["removed"] == ["admin"]


def test_match_claim_only_in_userinfo_is_fetched_from_there(client, idp, anna):
    idp.claims = {"sub": "entra-subject-anna"}
    idp.userinfo = {"sub": "entra-subject-anna", "oid": anna.external_id}
    assert crafted_sign_in(client, idp).status_code == 302
    assert db.session.scalar(select(OidcSignIn)).person_id == anna.id


def test_userinfo_about_someone_else_is_refused(client, idp, anna):
    idp.claims = {"sub": "entra-subject-anna"}
    idp.userinfo = {"sub": "someone-else", "oid": anna.external_id}
    assert "another sub" in refused(crafted_sign_in(client, idp), "token", "kunde inte godkännas").detail["detail"]


def test_unknown_match_field_stops_the_start(migrated, crafted_idp):
    from app import create_app
    from tests.conftest import test_config

    with pytest.raises(RuntimeError, match="OIDC_MATCH_FIELD"):
        create_app(test_config(migrated, **oidc_settings(crafted_idp.issuer, OIDC_MATCH_FIELD="objectGUID")))
