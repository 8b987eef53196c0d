"""The real OpenID provider (panva's oidc-provider under Node.js) as a test service.

`OidcProvider(clients=…, accounts=…).start()` writes a config file, runs
`node tests/oidc/provider.mjs CONFIG` on a free 127.0.0.1 port and waits for it;
`stop()` ends that process by its PID. `sign_in()` walks its login page with plain HTTP
(the browser test walks it with Chromium), and returns the URL the provider sends the
browser back to: Vaksam's callback with `code` and `state`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import requests
from joserfc.jwk import RSAKey

from tests.services import _LIVE, ServiceError, _stop_process, free_port, wait_for_port

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node") or "/usr/bin/node"
CLIENT_ID = "vaksam"
CLIENT_SECRET = "vaksam-test-client-secret-0123456789"


def new_signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)


def available() -> str | None:
    """Why the provider cannot run here, or None."""
    if not os.access(NODE, os.X_OK):
        return "node is not installed"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "tests/oidc/node_modules is missing (scripts/install-test-deps.sh runs npm ci)"
    return None


class OidcProvider:
    """One oidc-provider process; `issuer` is its URL."""

    def __init__(self, *, clients: list[dict], accounts: dict[str, dict], key: RSAKey | None = None):
        self.clients = clients
        self.accounts = accounts
        self.key = key or new_signing_key("test-key-1")
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="vaksam-oidc-"))
        self.log = self._dir / "provider.log"

    def start(self) -> OidcProvider:
        reason = available()
        if reason:
            raise ServiceError(reason)
        config = {
            "port": self.port, "issuer": self.issuer, "clients": self.clients, "accounts": self.accounts,
            "jwks": {"keys": [self.key.as_dict(private=True)]},
        }
        path = self._dir / "config.json"
        path.write_text(json.dumps(config))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([NODE, str(HERE / "provider.mjs"), str(path)], cwd=HERE,
                                         stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NODE_ENV": "test"})
        wait_for_port(self.port, proc=self.proc, log=self.log)
        _LIVE.add(self)
        return self

    def stop(self) -> None:
        _stop_process(self.proc)
        self.proc = None

    def restart_with_key(self, key: RSAKey) -> None:
        """Rotate the signing key: same issuer and port, a new key (and kid)."""
        self.stop()
        self.key = key
        self.start()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def sign_in(self, authorize_url: str, login: str, session: requests.Session | None = None) -> str:
        """Follow the provider's own pages as a browser would; returns the callback URL."""
        http = session or requests.Session()
        url = authorize_url
        for _ in range(10):
            response = http.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and 'name="prompt" value="login"' in response.text:
                action = re.search(r'action="([^"]+)"', response.text).group(1)
                response = http.post(urljoin(url, action), data={"prompt": "login", "login": login,
                                                                 "password": "any"}, allow_redirects=False, timeout=10)
            if response.status_code not in (302, 303):
                raise ServiceError(f"provider answered {response.status_code} at {url}: {response.text[:500]}")
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise ServiceError("too many redirects at the provider")


def vaksam_client(redirect_base: str, **extra) -> dict:
    """The client registration Vaksam needs, for a Vaksam reachable at `redirect_base`."""
    base = redirect_base.rstrip("/")
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{base}/login/oidc/callback"],
        "post_logout_redirect_uris": [f"{base}/login"],
        "backchannel_logout_uri": f"{base}/login/oidc/backchannel-logout",
        "backchannel_logout_session_required": True,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    client.update(extra)
    return client
