"""`flask --app app sso check`: is single sign-on set up right? Fetches the IdP's discovery
document and keys, and says what Vaksam will do with them."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from auth import oidc, oidc_people

sso = AppGroup("sso", help="Single sign-on (OpenID Connect).")


def check() -> dict:
    """The facts an operator needs; `ok` is False with `problems` when sign-in cannot work."""
    config = current_app.config
    report: dict = {"ok": False, "issuer": config["OIDC_ISSUER"], "problems": []}
    if not oidc.enabled():
        report["problems"].append("OIDC_ISSUER is not set: single sign-on is off")
        return report
    try:
        meta = oidc.metadata()
        keys = oidc.client().fetch_jwk_set(force=True).get("keys", [])
    except oidc.SignInError as exc:
        report["problems"].append(f"{exc.reason}: {exc.detail}")
        return report
    claim, field = oidc_people.match_setting()
    base = config["BASE_URL"].rstrip("/")
    report.update({
        "client_id": config["OIDC_CLIENT_ID"],
        "client_auth": "private_key_jwt" if config["OIDC_CLIENT_KEY_FILE"] else "client_secret_basic",
        "redirect_uri": f"{base}/login/oidc/callback",
        "backchannel_logout_uri": f"{base}/login/oidc/backchannel-logout",
        "post_logout_redirect_uri": f"{base}/login",
        "signing_keys": sorted(k.get("kid", "?") for k in keys),
        "rp_initiated_logout": bool(meta.get("end_session_endpoint")),
        "backchannel_logout": bool(meta.get("backchannel_logout_supported")),
        "pkce_s256": "S256" in meta.get("code_challenge_methods_supported", ["S256"]),
        "match": f"claim {claim} = person {field}",
        "password_form": bool(config["LOGIN_PASSWORD_FALLBACK"]),
    })
    if not keys:
        report["problems"].append("the IdP publishes no signing keys")
    if not report["pkce_s256"]:
        report["problems"].append("the IdP does not list S256 in code_challenge_methods_supported")
    report["ok"] = not report["problems"]
    return report


@sso.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def check_command(as_json: bool) -> None:
    """Fetch the IdP's discovery document and keys; show the URLs to register there."""
    report = check()
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            if key != "problems":
                click.echo(f"{key}: {value}")
        for problem in report["problems"]:
            click.echo(f"problem: {problem}", err=True)
    if not report["ok"]:
        raise SystemExit(1)
