"""The OpenID Connect client: Authlib's Flask client, configured from the OIDC_* settings.

Authorization code flow with PKCE (S256), `state` and `nonce` kept in the session by
Authlib, discovery from `OIDC_ISSUER/.well-known/openid-configuration`. The ID token's
signature (keys from `jwks_uri`, fetched again once when a `kid` is unknown: key
rotation), `iss`, `aud`, `exp`, `iat`, `nonce`, `azp` and `at_hash` are checked by
Authlib with the claim options set here. Everything that goes wrong becomes a
`SignInError` with a short reason the views turn into a Swedish page and an audit event.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Flask, current_app
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from joserfc.jws import JWSRegistry

from auth import oidc_people
from auth.errors import AuthError

CLIENT_NAME = "idp"
#: How much clock difference between Vaksam and the IdP is tolerated, in seconds.
LEEWAY = 60


class SignInError(AuthError):
    """A sign-in that must be refused. `reason` (also the `code`) picks the page text; `detail` goes
    to the audit log."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail[:500]


@dataclass
class SignIn:
    """A verified ID token (its claims) and what logout needs later."""

    claims: dict
    id_token: str
    issuer: str
    subject: str
    session_id: str | None = None
    extra: dict = field(default_factory=dict)


def enabled(config=None) -> bool:
    """True when single sign-on is configured (OIDC_ISSUER is set)."""
    return bool((config or current_app.config).get("OIDC_ISSUER"))


def _client_key(path: str) -> tuple[RSAKey | ECKey, dict]:
    """The private key for private_key_jwt, and the JWT headers that name it.

    A PEM file with the key and, for Entra ID, its certificate: the certificate's SHA-1
    and SHA-256 thumbprints go into `x5t` and `x5t#S256`, which is how Entra finds the key.
    """
    with open(path, "rb") as fh:
        pem = fh.read()
    try:
        key: RSAKey | ECKey = RSAKey.import_key(pem)
    except (ValueError, TypeError, JoseError):
        key = ECKey.import_key(pem)
    headers: dict = {}
    cert = re.search(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", pem, re.DOTALL)
    if cert:
        der = base64.b64decode(b"".join(cert.group(1).split()))
        headers["x5t"] = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
        headers["x5t#S256"] = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    return key, headers


def init_app(app: Flask) -> None:
    """Register the IdP as Authlib's client "idp" when OIDC_ISSUER is set."""
    config = app.config
    if not enabled(config):
        return
    if not config["OIDC_CLIENT_ID"]:
        raise RuntimeError("OIDC_CLIENT_ID must be set when OIDC_ISSUER is")
    if not (config["OIDC_CLIENT_SECRET"] or config["OIDC_CLIENT_KEY_FILE"]):
        raise RuntimeError("OIDC_CLIENT_SECRET or OIDC_CLIENT_KEY_FILE must be set when OIDC_ISSUER is")
    oidc_people.match_setting(config)  # an unknown OIDC_MATCH_FIELD stops the start, not a sign-in
    scopes = config["OIDC_SCOPES"].replace(",", " ").split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    client_kwargs: dict = {"scope": " ".join(scopes), "code_challenge_method": "S256",
                           "default_timeout": config["OIDC_TIMEOUT"]}
    options: dict = {"client_secret": config["OIDC_CLIENT_SECRET"]}
    if config["OIDC_CLIENT_KEY_FILE"]:
        key, headers = _client_key(config["OIDC_CLIENT_KEY_FILE"])
        options = {"client_secret": key, "client_auth_methods": [PrivateKeyJWT(headers=headers or None)]}
        client_kwargs["token_endpoint_auth_method"] = "private_key_jwt"
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=config["OIDC_CLIENT_ID"],
        server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
        client_kwargs=client_kwargs,
        **options,
    )


def client():
    return current_app.extensions["authlib.integrations.flask_client"].create_client(CLIENT_NAME)


def metadata() -> dict:
    """The IdP's discovery document (fetched once per process). Raises SignInError."""
    idp = client()
    try:
        meta = idp.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        idp.server_metadata = {}  # try again next time
        raise SignInError("unavailable", f"discovery: {exc}") from exc
    issuer = meta.get("issuer", "")
    if "{tenantid}" in issuer:
        raise SignInError("config", "OIDC_ISSUER is Entra ID's multi-tenant endpoint; use the tenant's v2.0 issuer")
    if issuer.rstrip("/") != current_app.config["OIDC_ISSUER"]:
        raise SignInError("config", f"discovery issuer {issuer!r} is not OIDC_ISSUER")
    return meta


def authorize_redirect(redirect_uri: str, hints: dict[str, str]):
    """The redirect to the IdP; Authlib keeps state, nonce and the PKCE verifier in the session."""
    metadata()
    try:
        return client().authorize_redirect(redirect_uri, **hints)
    except requests.RequestException as exc:
        raise SignInError("unavailable", str(exc)) from exc


def finish(wanted: str | None = None) -> SignIn:
    """Exchange the code, verify the ID token; raises SignInError.

    When the ID token lacks the claim `wanted` (the one that names the person) and the IdP
    has a userinfo endpoint, the claims from there are added (AD FS and Keycloak put some
    claims only there); userinfo must be about the same `sub`.
    """
    meta = metadata()
    options = {
        "iss": {"essential": True, "value": meta["issuer"]},
        "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "sub": {"essential": True},
    }
    try:
        token = client().authorize_access_token(claims_options=options, leeway=LEEWAY)
    except MismatchingStateError as exc:
        raise SignInError("state", "state missing, unknown or already used") from exc
    except OAuthError as exc:
        raise SignInError("idp_error", f"{exc.error}: {exc.description or ''}") from exc
    except JoseError as exc:
        raise SignInError("token", f"{type(exc).__name__}: {exc}") from exc
    except (requests.RequestException, ValueError) as exc:
        raise SignInError("unavailable", str(exc)) from exc
    claims = token.get("userinfo")
    if not token.get("id_token") or claims is None:
        raise SignInError("token", "no ID token in the token response")
    claims = dict(claims)
    if wanted and wanted not in claims and meta.get("userinfo_endpoint"):
        claims = {**_userinfo(token, str(claims["sub"])), **claims}
    return SignIn(claims=claims, id_token=token["id_token"], issuer=claims["iss"], subject=str(claims["sub"]),
                  session_id=claims.get("sid"))


def _userinfo(token: dict, subject: str) -> dict:
    try:
        info = dict(client().userinfo(token=token))
    except (requests.RequestException, ValueError) as exc:
        raise SignInError("unavailable", f"userinfo: {exc}") from exc
    if str(info.get("sub")) != subject:
        raise SignInError("token", "userinfo is about another sub than the ID token")
    return info


def verify_jwt(raw: str, options: dict) -> dict:
    """Verify a JWT from the IdP (a logout token) with its current keys; fetched again once if the kid is new."""
    idp = client()
    meta = metadata()
    registry = JWSRegistry(algorithms=meta.get("id_token_signing_alg_values_supported"))
    try:
        try:
            token = jwt.decode(raw, KeySet.import_key_set(idp.fetch_jwk_set()), registry=registry)
        except InvalidKeyIdError:
            token = jwt.decode(raw, KeySet.import_key_set(idp.fetch_jwk_set(force=True)), registry=registry)
        jwt.JWTClaimsRegistry(leeway=LEEWAY, **options).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SignInError("token", f"{type(exc).__name__}: {exc}") from exc
    except requests.RequestException as exc:
        raise SignInError("unavailable", str(exc)) from exc
    return dict(token.claims)


def end_session_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """The IdP's RP-initiated logout URL, or None when it has no end_session_endpoint."""
    try:
        meta = metadata()
    except SignInError:
        return None
    if not meta.get("end_session_endpoint"):
        return None
    extra = {} if id_token else {"client_id": current_app.config["OIDC_CLIENT_ID"]}
    return client().create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri,
                                      id_token_hint=id_token, **extra)["url"]
