"""Writes for single sign-on: sign-ins, their end (log-out here, back-channel logout from
the IdP), break-glass local log-in, and pruning old rows."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

import audit
from auth import login as password_login
from auth import oidc, sessions, throttle
from auth.errors import AuthError
from auth.login import Account, LoginResult
from extensions import db
from models import OidcLogoutToken, OidcSignIn, Person

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
#: A logout token without `exp` is accepted this long after its `iat`.
LOGOUT_TOKEN_MAX_AGE = timedelta(minutes=5)
#: Sign-ins and logout token ids are kept this long (longer than any session lives).
KEEP = timedelta(days=2)


class LogoutTokenError(AuthError, ValueError):
    """A back-channel logout token that must be refused (the message says why, in English: the
    IdP gets it as the error_description of a 400 answer)."""

    def __init__(self, message: str):
        super().__init__("logout_token", message)


def record_sign_in(person: Person, sign_in: oidc.SignIn, now: datetime) -> OidcSignIn:
    row = OidcSignIn(person_id=person.id, issuer=sign_in.issuer, subject=sign_in.subject[:255],
                     idp_session_id=(sign_in.session_id or None) and str(sign_in.session_id)[:255],
                     id_token=sign_in.id_token, created_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def sign_in_ended(sign_in_id: int) -> bool:
    """True when the sign-in has been ended (by the IdP, or it no longer exists)."""
    ended = db.session.execute(select(OidcSignIn.ended_at).where(OidcSignIn.id == sign_in_id)).first()
    return ended is None or ended[0] is not None


def end_sign_in(sign_in_id: int | None, now: datetime, post_logout_redirect_uri: str) -> str | None:
    """The user logs out of Vaksam: end the sign-in; returns the IdP's logout URL to offer, or None."""
    if not sign_in_id:
        return None
    row = db.session.get(OidcSignIn, sign_in_id)
    if row is None:
        return None
    id_token = row.id_token
    row.id_token, row.ended_at, row.ended_reason = None, row.ended_at or now, row.ended_reason or "logout"
    db.session.commit()
    return oidc.end_session_url(id_token, post_logout_redirect_uri)


def check_logout_token(raw: str, now: datetime) -> dict:
    """The claims of a valid back-channel logout token (OIDC Back-Channel Logout 1.0, 2.6).

    Signature and `iss`, `aud`, `iat` (and `exp` when present) as for an ID token; `jti`,
    the logout event, `sub` and/or `sid` present; no `nonce`. Raises LogoutTokenError.
    """
    try:
        claims = oidc.verify_jwt(raw, {
            "iss": {"essential": True, "value": oidc.metadata()["issuer"]},
            "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
            "iat": {"essential": True},
            "jti": {"essential": True},
        })
    except oidc.SignInError as exc:
        raise LogoutTokenError(exc.detail or exc.reason) from exc
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
        raise LogoutTokenError("events claim without the back-channel logout event")
    if "nonce" in claims:
        raise LogoutTokenError("a logout token must not contain a nonce")
    if not claims.get("sub") and not claims.get("sid"):
        raise LogoutTokenError("neither sub nor sid")
    if "exp" not in claims and now.timestamp() - float(claims["iat"]) > LOGOUT_TOKEN_MAX_AGE.total_seconds():
        raise LogoutTokenError("logout token too old")
    if not isinstance(claims["jti"], str) or len(claims["jti"]) > 255:
        raise LogoutTokenError("bad jti")
    return claims


def back_channel_logout(raw: str, now: datetime) -> set[int]:
    """End the Vaksam sign-ins a logout token names; returns the people whose sessions end.

    With `sid`, the sign-ins of that IdP session; with only `sub`, all of that user's. The
    token's `jti` is stored, so the same token is refused the second time.
    """
    claims = check_logout_token(raw, now)
    issuer = claims["iss"]
    try:
        with db.session.begin_nested():
            db.session.add(OidcLogoutToken(issuer=issuer, jti=claims["jti"], received_at=now))
    except IntegrityError as exc:
        raise LogoutTokenError("logout token already used (jti replayed)") from exc
    match = [OidcSignIn.issuer == issuer, OidcSignIn.ended_at.is_(None)]
    if claims.get("sid"):
        match.append(OidcSignIn.idp_session_id == str(claims["sid"]))
    if claims.get("sub"):
        match.append(OidcSignIn.subject == str(claims["sub"]))
    rows = db.session.execute(select(OidcSignIn.id, OidcSignIn.person_id).where(*match)).all()
    if rows:
        db.session.execute(update(OidcSignIn).where(OidcSignIn.id.in_([r.id for r in rows]))
                           .values(ended_at=now, ended_reason="backchannel", id_token=None))
    people = {r.person_id for r in rows}
    for person_id in sorted(people):
        audit.record("login.oidc_backchannel_logout", "person", person_id,
                     {"sid": claims.get("sid"), "sub": claims.get("sub")}, commit=False)
    db.session.commit()
    if not claims.get("sid"):
        # Only `sub`: every session of the user ends now (auth/sessions.py). With `sid`, only the
        # browsers of that IdP session: each is logged out at its next request, as its sign-in has ended.
        for person_id in sorted(people):
            sessions.end_sessions_for(person_id, "OIDC back-channel logout")
    return people


def authenticate_local(username: str, password: str, ip: str, now: datetime) -> LoginResult:
    """Break-glass log-in with a local account's own password; never a directory bind. Same
    limits as the password form (auth/throttle.py), same work whether or not the account is local."""
    name = password_login.normalise_username(username)
    person = db.session.scalar(select(Person).where(Person.username == name)) if name else None
    local = person is not None and bool(person.password_hash)
    account = Account(f"person:{person.id}", person) if local else Account(f"name:{name}")  # type: ignore[union-attr]
    if throttle.refused(account.key, ip, now):
        return LoginResult(None, "rate_limited")
    usable = password_login.usable_credentials(name, password)
    ok = check_password_hash(person.password_hash if local else password_login._dummy_hash(),  # type: ignore[union-attr,arg-type]
                             str(password) if usable else "") and usable and local
    password_login._record(name, account, ip, ok, now)
    if not ok or person is None:
        return LoginResult(None, "invalid")
    if not person.active:
        return LoginResult(None, "inactive")
    return LoginResult(person, "ok")


def prune(now: datetime) -> int:
    """Delete sign-ins and logout token ids older than KEEP; returns how many rows."""
    cutoff = now - KEEP
    count = 0
    for stmt in (delete(OidcSignIn).where(OidcSignIn.created_at < cutoff),
                 delete(OidcLogoutToken).where(OidcLogoutToken.received_at < cutoff)):
        result: CursorResult = db.session.execute(stmt)  # type: ignore[assignment]
        count += result.rowcount or 0
    db.session.commit()
    return count
