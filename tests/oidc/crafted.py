"""An OpenID provider in Python that hands out crafted ID tokens, for the refusals.

The certified provider (provider.mjs) never issues a tampered, expired or wrongly
addressed token, so the negative cases run against this one: real HTTP (discovery,
JWKS, authorization, token endpoint with client authentication and PKCE checked) on
127.0.0.1, with hooks a test sets to spoil the next ID token:

    idp.tweak = lambda claims, header: claims.update(aud="someone-else")
    idp.after_sign = tamper_signature
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, new_signing_key


def tamper_signature(token: str) -> str:
    """The same header and claims with one signature byte changed."""
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    return f"{head}.{body}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def tamper_claims(token: str, **changes) -> str:
    """The claims changed (e.g. another `sub`) under the original signature."""
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims.update(changes)
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


def at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


class CraftedIdp:
    def __init__(self):
        self.key = new_signing_key("crafted-1")
        self.published: list[RSAKey] = [self.key]
        self.signing_key = self.key
        self.claims: dict = {}
        #: What /userinfo answers for the last access token issued (None: 401).
        self.userinfo: dict | None = None
        self._access_token = ""
        self.tweak: Callable[[dict, dict], None] | None = None
        self.after_sign: Callable[[str], str] | None = None
        self.jwks_fetches = 0
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="crafted-idp")

    def start(self) -> CraftedIdp:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def reset(self) -> None:
        self.published, self.signing_key = [self.key], self.key
        self.claims, self.tweak, self.after_sign, self.userinfo = {}, None, None, None
        self.jwks_fetches, self.token_requests = 0, []

    def sign(self, claims: dict, key: RSAKey | None = None, header: dict | None = None) -> str:
        key = key or self.signing_key
        return jwt.encode({"alg": "RS256", "kid": key.kid, **(header or {})}, claims, key)

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        handler = {"/.well-known/openid-configuration": self._discovery, "/jwks": self._jwks,
                   "/authorize": self._authorize, "/token": self._token, "/userinfo": self._userinfo,
                   "/logout": lambda r: Response("bye")}.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _json(self, data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def _discovery(self, request: Request) -> Response:
        return self._json({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout", "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        })

    def _jwks(self, request: Request) -> Response:
        self.jwks_fetches += 1
        return self._json(KeySet(self.published).as_dict(private=False))

    def _authorize(self, request: Request) -> Response:
        """Signs the user in at once: a code bound to the request's nonce and PKCE challenge."""
        args = request.args
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": args.get("nonce"), "challenge": args.get("code_challenge"),
                             "redirect_uri": args.get("redirect_uri"), "client_id": args.get("client_id")}
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _userinfo(self, request: Request) -> Response:
        if self.userinfo is None or request.headers.get("Authorization") != f"Bearer {self._access_token}":
            return self._json({"error": "invalid_token"}, 401)
        return self._json(self.userinfo)

    def _token(self, request: Request) -> Response:
        form = request.form
        self.token_requests.append(dict(form))
        auth = request.authorization
        if not auth or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return self._json({"error": "invalid_client"}, 401)
        grant = self._codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant is None or grant["challenge"] != challenge or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, 400)
        access_token = self._access_token = secrets.token_urlsafe(24)
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "crafted-user", "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], "at_hash": at_hash(access_token), "sid": "crafted-session", **self.claims}
        header: dict = {}
        if self.tweak:
            self.tweak(claims, header)
        id_token = self.sign(claims, header=header)
        if self.after_sign:
            id_token = self.after_sign(id_token)
        return self._json({"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                           "id_token": id_token})
