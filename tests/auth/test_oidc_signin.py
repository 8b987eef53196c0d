"""Sign-in through the certified OpenID provider (oidc-provider), people from the real slapd."""
from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from extensions import db
from models import AuditEvent, OidcSignIn, Person, RoleGrant
from tests.auth.conftest import begin, come_back, oidc_settings, sync_directory


@pytest.fixture
def app_config(tree, oidc_provider):
    return {**tree.settings(LDAP_MAX_DEACTIVATE_RATIO=1.0), **oidc_settings(
        oidc_provider.issuer, OIDC_ADMIN_VALUES="g-vaksam-admin",
                                               OIDC_COMMS_VALUES="vaksam.comms")}


@pytest.fixture
def people(app, tree):
    sync_directory(
        tree,
        tree.entry("anna", given="Anna", sn="Ek"),
        tree.entry("bo", given="Bo", sn="Lund"),
        tree.entry("gone", given="Göran", sn="Borta"),
    )
    tree.modify("gone", description="disabled")
    sync_directory(tree)
    return {p.username: p for p in db.session.scalars(select(Person))}


def sign_in(client, provider, login: str, **params):
    return come_back(client, provider.sign_in(begin(client, **params), login))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_sign_in_matches_the_directory_person_and_opens_a_session(client, oidc_provider, people):
    response = sign_in(client, oidc_provider, "anna", next="/min-utbildning")
    assert response.status_code == 302
    assert response.headers["Location"] == "/min-utbildning"
    assert client.get("/").status_code == 200
    row = db.session.scalar(select(OidcSignIn))
    assert (row.person_id, row.subject, row.issuer) == (people["anna"].id, "anna", oidc_provider.issuer)
    assert row.idp_session_id  # the provider sends sid: back-channel logout needs it
    assert [e.target_id for e in events("login.oidc")] == [str(people["anna"].id)]


def test_group_claim_grants_admin_next_to_directory_and_app_grants(client, oidc_provider, people):
    sign_in(client, oidc_provider, "anna")
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.person_id == people["anna"].id)).all()
    assert [(g.role, g.source) for g in grants] == [("admin", "oidc")]
    assert client.get("/admin/people").status_code == 200


def test_roles_claim_grants_comms_only(client, oidc_provider, people):
    sign_in(client, oidc_provider, "bo")
    assert {(g.role, g.source) for g in db.session.scalars(select(RoleGrant))} == {("comms", "oidc")}
    assert client.get("/admin/people").status_code == 403


def test_a_claim_role_no_longer_in_the_token_is_taken_back(client, app, oidc_provider, people):
    from auth.operations import grant_role

    grant_role(people["bo"], "admin", granted_by=None, source="oidc")
    grant_role(people["bo"], "admin", granted_by=None)  # granted in the app: stays
    db.session.commit()
    sign_in(client, oidc_provider, "bo")
    assert {(g.role, g.source) for g in db.session.scalars(select(RoleGrant))} == {("admin", "app"),
                                                                                  ("comms", "oidc")}


def test_nobody_in_the_directory_is_refused_and_no_person_is_created(client, oidc_provider, people):
    before = db.session.scalar(select(db.func.count()).select_from(Person))
    response = sign_in(client, oidc_provider, "nobody")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "hittar dig inte i regionens katalog" in page and "Referens för IT-supporten" in page
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == before
    assert client.get("/").status_code == 302  # not signed in
    [event] = events("login.oidc_refused")
    assert event.detail["reason"] == "none" and event.detail["value"] == "nobody"


def test_a_disabled_person_is_refused(client, oidc_provider, people):
    assert not people["gone"].active
    response = sign_in(client, oidc_provider, "gone")
    assert response.status_code == 403
    assert "Kontot är inte aktivt" in response.get_data(as_text=True)
    assert events("login.oidc_refused")[0].detail["reason"] == "inactive"


def test_a_token_without_the_match_claim_is_refused(client, oidc_provider, people):
    response = sign_in(client, oidc_provider, "anonymous")
    assert response.status_code == 403
    assert "preferred_username" in response.get_data(as_text=True)
    assert events("login.oidc_refused")[0].detail["reason"] == "no_claim"


def test_replayed_state_is_refused(client, oidc_provider, people):
    callback = oidc_provider.sign_in(begin(client), "anna")
    assert come_back(client, callback).status_code == 302
    client.post("/logout")
    replay = come_back(client, callback)
    assert replay.status_code == 400
    assert "redan använts" in replay.get_data(as_text=True)
    assert events("login.oidc_refused")[0].detail["reason"] == "state"
    assert client.get("/").status_code == 302


def test_hints_are_passed_to_the_provider_and_junk_is_not(client, oidc_provider, people):
    url = begin(client, login_hint="anna@example.se", domain_hint="region.example")
    assert "login_hint=anna%40example.se" in url and "domain_hint=region.example" in url
    url = begin(client, login_hint="<script>")
    assert "login_hint" not in url


def test_authorization_request_uses_pkce_state_and_nonce(client, oidc_provider, people):
    url = begin(client)
    for param in ("code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "scope=openid"):
        assert param in url


def test_key_rotation_at_the_provider_is_followed(client, app, oidc_provider, people):
    from tests.oidc.provider import new_signing_key

    assert sign_in(client, oidc_provider, "anna").status_code == 302  # keys fetched and cached
    client.post("/logout")
    old = oidc_provider.key
    oidc_provider.restart_with_key(new_signing_key("test-key-2"))
    try:
        response = sign_in(client, oidc_provider, "anna")
        assert response.status_code == 302, response.get_data(as_text=True)
        assert client.get("/").status_code == 200
    finally:
        oidc_provider.restart_with_key(old)


def test_provider_down_gives_a_clear_page(app, migrated):
    from app import create_app
    from tests.conftest import test_config

    down = create_app(test_config(migrated, **oidc_settings("http://127.0.0.1:9")))
    with down.app_context():
        response = down.test_client().get("/login/oidc")
        assert response.status_code == 503
        assert "svarar inte just nu" in response.get_data(as_text=True)
        assert events("login.oidc_refused")[0].detail["reason"] == "unavailable"


def test_discovery_for_another_issuer_is_refused(client, app, oidc_provider, people):
    app.config["OIDC_ISSUER"] = oidc_provider.issuer + "/other"
    response = client.get("/login/oidc")
    assert response.status_code == 503
    assert "felaktigt inställd" in response.get_data(as_text=True)
    assert "is not OIDC_ISSUER" in events("login.oidc_refused")[0].detail["detail"]


def test_logout_offers_the_providers_logout(client, oidc_provider, people):
    sign_in(client, oidc_provider, "anna")
    response = client.post("/logout")
    assert response.headers["Location"] == "/login/utloggad"
    page = client.get("/login/utloggad").get_data(as_text=True)
    assert f"{oidc_provider.issuer}/session/end?" in page and "id_token_hint=" in page
    assert db.session.scalar(select(OidcSignIn)).ended_reason == "logout"
    assert client.get("/").status_code == 302
    assert requests.get(oidc_provider.issuer + "/.well-known/openid-configuration", timeout=5).ok


def test_private_key_jwt_client_authentication(client, app, oidc_provider, people, client_key_file):
    from app import create_app
    from tests.auth.conftest import KEY_CLIENT_ID
    from tests.conftest import test_config

    keyed = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], **{
        **oidc_settings(oidc_provider.issuer), "OIDC_CLIENT_ID": KEY_CLIENT_ID, "OIDC_CLIENT_SECRET": "",
        "OIDC_CLIENT_KEY_FILE": str(client_key_file[0]), "LDAP_SCHEMA": "openldap"}))
    with keyed.app_context():
        browser = keyed.test_client()
        response = sign_in(browser, oidc_provider, "anna")
        assert response.status_code == 302, response.get_data(as_text=True)
        assert browser.get("/").status_code == 200


def test_sso_check_lists_what_to_register_at_the_provider(runner, oidc_provider):
    import json

    result = runner.invoke(args=["sso", "check", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["signing_keys"] == ["test-key-1"]
    assert report["redirect_uri"] == "http://localhost/login/oidc/callback"
    assert report["rp_initiated_logout"] and report["backchannel_logout"]
    assert report["match"] == "claim preferred_username = person username"


def test_sso_check_fails_when_sso_is_off(runner, app):
    app.config["OIDC_ISSUER"] = ""
    result = runner.invoke(args=["sso", "check"])
    assert result.exit_code == 1 and "single sign-on is off" in result.output


def test_client_key_file_with_certificate_names_it_by_thumbprint(tmp_path, client_key_file):
    """Entra ID finds a certificate credential by the x5t / x5t#S256 header of the client assertion."""
    import base64
    import hashlib
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    from auth.oidc import _client_key

    pem = client_key_file[0].read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vaksam")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    path = tmp_path / "key-and-cert.pem"
    path.write_bytes(pem + cert.public_bytes(serialization.Encoding.PEM))
    der = cert.public_bytes(serialization.Encoding.DER)

    loaded, headers = _client_key(str(path))
    assert headers["x5t"] == base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    assert headers["x5t#S256"] == base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    assert loaded.as_dict(private=False)["n"] == client_key_file[1]["n"]
