"""Sign-in through the region's identity provider (OpenID Connect), its log-out, the
IdP's back-channel logout, and the local break-glass log-in at /login/lokal."""
from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user

import audit
from auth import oidc, oidc_operations, oidc_people, sessions
from auth.forms import LoginForm
from extensions import csrf, db
from main.navigation import absolute_url, safe_next
from models import utcnow
from signals import roles_changed, sender

bp = Blueprint("oidc", __name__)

#: The session key holding the OidcSignIn id of this browser's sign-in.
SIGN_IN_KEY = "oidc_sign_in"
#: Where to go after the IdP sends the browser back.
NEXT_KEY = "oidc_next"
#: The IdP logout URL offered on the "signed out" page.
LOGOUT_OFFER_KEY = "oidc_logout_url"
#: login_hint / domain_hint are passed to the IdP only when they look like a name or a domain.
HINT = re.compile(r"^[\w.@+-]{1,200}$")

REFUSALS = {
    "state": lambda m: _("Svaret från regionens inloggning hör inte till en inloggning som startades här, eller har "
                         "redan använts. Börja om från inloggningssidan."),
    "token": lambda m: _("Intyget från regionens inloggning kunde inte godkännas (fel signatur, fel mottagare eller "
                         "för gammalt). Börja om från inloggningssidan. Kontakta regionens IT-support om felet "
                         "kvarstår."),
    "idp_error": lambda m: _("Regionens inloggning avbröt inloggningen. Försök igen eller kontakta regionens "
                             "IT-support."),
    "unavailable": lambda m: _("Regionens inloggning svarar inte just nu. Försök igen om en stund."),
    "config": lambda m: _("Inloggningen är felaktigt inställd i Vaksam. Kontakta regionens IT-support."),
    "no_claim": lambda m: _("Regionens inloggning skickade inte uppgiften (%(claim)s) som Vaksam känner igen dig "
                            "med. Kontakta regionens IT-support.", claim=m.claim),
    "none": lambda m: _("Du är inloggad hos regionens inloggning, men Vaksam hittar dig inte i regionens katalog. "
                        "Vaksam skapar aldrig konton vid inloggning: katalogen avgör vem som arbetar här. Är du "
                        "nyanställd kan det dröja ett dygn innan katalogen har läst in dig. Kontakta annars din "
                        "chef eller regionens IT-support."),
    "several": lambda m: _("Din inloggning passar fler än en person i regionens katalog, så Vaksam kan inte avgöra "
                           "vem du är. Kontakta regionens IT-support och uppge referensen nedan."),
    "inactive": lambda m: _("Kontot är inte aktivt. Kontakta din chef eller regionens IT-support."),
}
#: The password form's messages (the same texts as auth.views, which imports this module).
LOCAL_LOGIN_ERRORS = {
    "invalid": lambda: _("Fel användarnamn eller lösenord."),
    "rate_limited": lambda: _("För många misslyckade inloggningar. Vänta en stund och försök igen."),
    "inactive": lambda: _("Kontot är inte aktivt. Kontakta din chef eller regionens IT-support."),
}
STATUS = {"unavailable": 503, "config": 503, "no_claim": 403, "none": 403, "several": 403, "inactive": 403}


def button_label() -> str:
    return current_app.config["OIDC_BUTTON_LABEL"] or _("Logga in med regionens inloggning")


def login_options() -> dict:
    """What the login page shows: the SSO button, and whether the password form is there."""
    on = oidc.enabled()
    return {"sso": on, "sso_label": button_label() if on else "",
            "password_form": not on or current_app.config["LOGIN_PASSWORD_FALLBACK"]}


def _refuse(reason: str, detail: str = "", match: oidc_people.Match | None = None):
    event = audit.record("login.oidc_refused", "person", match.person.id if match and match.person else None,
                         {"reason": reason, "detail": detail, **({"claim": match.claim, "value": match.value}
                                                                  if match else {})})
    message = REFUSALS[reason](match)
    return render_template("auth/oidc_refused.html", message=message, reference=event.id), STATUS.get(reason, 400)


def _redirect_uri() -> str:
    return absolute_url(url_for("oidc.callback"))


@bp.before_app_request
def end_signed_out_sessions():
    """A sign-in the IdP has ended (back-channel logout) logs this browser out at its next request."""
    sign_in_id = session.get(SIGN_IN_KEY)
    if sign_in_id and (request.endpoint or "") != "static" and oidc_operations.sign_in_ended(sign_in_id):
        sessions.end_current()
        flash(_("Du har loggats ut via regionens inloggning."), "info")
        return redirect(url_for("auth.login"))
    return None


@bp.get("/login/oidc")
def start():
    if not oidc.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    session[NEXT_KEY] = safe_next(request.args.get("next")) or ""
    hints = {name: value for name in ("login_hint", "domain_hint")
             if HINT.match(value := request.args.get(name, ""))}
    try:
        return oidc.authorize_redirect(_redirect_uri(), hints)
    except oidc.SignInError as exc:
        return _refuse(exc.reason, exc.detail)


@bp.get("/login/oidc/callback")
def callback():
    if not oidc.enabled():
        abort(404)
    try:
        sign_in = oidc.finish(wanted=oidc_people.match_setting()[0])
    except oidc.SignInError as exc:
        return _refuse(exc.reason, exc.detail)
    match = oidc_people.match_person(sign_in.claims)
    if match.person is None:
        return _refuse(match.outcome, f"sub={sign_in.subject}", match)
    person = match.person
    roles = oidc_people.apply_claim_roles(person, sign_in.claims)
    row = oidc_operations.record_sign_in(person, sign_in, utcnow())
    audit.record("login.oidc", "person", person.id, {"sub": sign_in.subject, "sid": sign_in.session_id, **roles},
                 actor_id=person.id)  # commits the roles and the sign-in with it
    if roles["granted"] or roles["removed"]:
        roles_changed.send(sender(), person_id=person.id, removed=set(roles["removed"]))
    target = safe_next(session.get(NEXT_KEY))
    sessions.begin(person.roles)
    login_user(person)
    session[SIGN_IN_KEY] = row.id
    return redirect(target or url_for("main.index"))


@bp.post("/login/oidc/backchannel-logout")
@csrf.exempt
def backchannel_logout():
    """OIDC Back-Channel Logout 1.0: the IdP posts a logout token; 200 when done, 400 with a reason."""
    if not oidc.enabled():
        abort(404)
    raw = request.form.get("logout_token", "")
    try:
        oidc_operations.back_channel_logout(raw, utcnow())
    except oidc_operations.LogoutTokenError as exc:
        db.session.rollback()
        audit.record("login.oidc_backchannel_refused", None, None, {"detail": str(exc)[:500]})
        response = jsonify(error="invalid_request", error_description=str(exc))
        response.status_code = 400
    else:
        response = Response(status=200)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login/utloggad")
def signed_out():
    """After log-out: offer to log out of the region's IdP too (RP-initiated logout)."""
    logout_url = session.pop(LOGOUT_OFFER_KEY, None)
    if not logout_url:
        return redirect(url_for("auth.login"))
    return render_template("auth/oidc_signed_out.html", logout_url=logout_url)


def logout_offer() -> str | None:
    """For auth.views.logout: end this browser's sign-in; the IdP logout URL to offer, or None."""
    post_logout = absolute_url(url_for("auth.login"))
    return oidc_operations.end_sign_in(session.get(SIGN_IN_KEY), utcnow(), post_logout)


@bp.route("/login/lokal", methods=["GET", "POST"])
def local_login():
    """Break-glass log-in for local accounts (their own password; never a directory bind)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = oidc_operations.authenticate_local(form.username.data, form.password.data,
                                                    request.remote_addr or "?", utcnow())
        if result.outcome == "ok" and result.person is not None:
            audit.record("login.local", "person", result.person.id, None, actor_id=result.person.id)
            sessions.begin(result.person.roles)
            login_user(result.person)
            return redirect(url_for("main.index"))
        flash(LOCAL_LOGIN_ERRORS[result.outcome](), "error")
        status = 429 if result.outcome == "rate_limited" else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/local_login.html", form=form), status
