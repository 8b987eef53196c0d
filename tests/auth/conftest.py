"""Single sign-on fixtures: the certified OpenID provider (oidc-provider under Node.js),
the crafted-token provider, the test slapd, and a walk through a sign-in."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

from tests.directory.conftest import slapd, tree  # noqa: F401  (fixtures: the real directory)
from tests.oidc.crafted import CraftedIdp
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, available, vaksam_client

#: The test client's own address: the redirect URI registered at the providers.
BASE_URL = "http://localhost"

#: Accounts at the provider; their claims name people of the test directory.
ACCOUNTS = {
    "anna": {"preferred_username": "anna", "email": "anna@example.se", "groups": ["g-vaksam-admin", "g-other"]},
    "bo": {"preferred_username": "bo", "email": "bo@example.se", "roles": ["Vaksam.Comms"]},
    "nobody": {"preferred_username": "nobody", "email": "nobody@example.se"},
    "gone": {"preferred_username": "gone", "email": "gone@example.se"},
    "twin": {"preferred_username": "twin", "email": "twin@example.se"},
    "anonymous": {"email": "anonymous@example.se"},
}


def oidc_settings(issuer: str, **extra) -> dict:
    settings = {
        "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "BASE_URL": BASE_URL, "OIDC_TIMEOUT": 5,
    }
    settings.update(extra)
    return settings


#: A second registration at the provider that authenticates with a signed JWT (private_key_jwt).
KEY_CLIENT_ID = "vaksam-private-key-jwt"


@pytest.fixture(scope="session")
def client_key_file(tmp_path_factory):
    """OIDC_CLIENT_KEY_FILE: a PEM private key whose public half the provider has registered."""
    from tests.oidc.provider import new_signing_key

    key = new_signing_key("vaksam-client-key")
    path = tmp_path_factory.mktemp("client-key") / "vaksam-client.pem"
    path.write_bytes(key.as_pem(private=True))
    return path, key.as_dict(private=False)


@pytest.fixture(scope="session")
def oidc_provider(client_key_file):
    reason = available()
    if reason:
        pytest.skip(reason)
    key_client = vaksam_client(BASE_URL, client_id=KEY_CLIENT_ID, token_endpoint_auth_method="private_key_jwt",
                               token_endpoint_auth_signing_alg="RS256", jwks={"keys": [client_key_file[1]]})
    del key_client["client_secret"]
    provider = OidcProvider(clients=[vaksam_client(BASE_URL), key_client], accounts=ACCOUNTS).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def crafted_idp():
    idp = CraftedIdp().start()
    yield idp
    idp.stop()


@pytest.fixture
def idp(crafted_idp):
    crafted_idp.reset()
    yield crafted_idp
    crafted_idp.reset()


def begin(client, **params) -> str:
    """Press the sign-in button; returns the provider URL Vaksam redirects to."""
    response = client.get("/login/oidc", query_string=params)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def come_back(client, callback_url: str):
    """The browser arrives back at Vaksam's callback."""
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL, callback_url
    return client.get(f"{parts.path}?{parts.query}")


def crafted_sign_in(client, idp: CraftedIdp):
    """A whole sign-in at the crafted provider; returns Vaksam's answer to the callback.

    In an app context of its own: the tests run inside one, and Flask-Login keeps the
    signed-in user on `g`, which would otherwise carry over from another test client.
    """
    import requests

    with client.application.app_context():
        location = requests.get(begin(client), allow_redirects=False, timeout=5).headers["Location"]
        return come_back(client, location)


def signed_in(client) -> bool:
    """Whether the client's cookies still open the start page (in a fresh app context, see above)."""
    with client.application.app_context():
        return client.get("/").status_code == 200


def sync_directory(directory_tree, *entries) -> None:
    from directory.sync import run_sync

    directory_tree.add(*entries)
    result = run_sync(datetime.now(timezone.utc))
    assert result.ok, result.message
