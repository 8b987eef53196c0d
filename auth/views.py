"""Log-in and log-out pages, and the admins' page for people and roles."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

import audit
from auth import login as password_login
from auth import oidc_views, operations, queries, sessions, throttle
from auth.access import requires
from auth.forms import LoginForm, RoleForm
from extensions import db
from main.forms import require_action
from main.i18n import fmt_number
from main.navigation import safe_next
from models import Person, utcnow

bp = Blueprint("auth", __name__)

LOGIN_ERRORS = {
    "invalid": lambda: _("Fel användarnamn eller lösenord."),
    "inactive": lambda: _("Kontot är inte aktivt. Kontakta din chef eller regionens IT-support."),
    "rate_limited": lambda: _("För många misslyckade inloggningar. Vänta en stund och försök igen."),
    "directory_unavailable": lambda: _("Katalogtjänsten svarar inte just nu. Försök igen om en stund."),
}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    options = oidc_views.login_options()
    if request.method == "POST" and not options["password_form"]:
        abort(404)  # single sign-on only: directory passwords never reach Vaksam
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        result = password_login.authenticate(form.username.data, form.password.data, request.remote_addr or "?",
                                             utcnow())
        if result.outcome == "ok" and result.person is not None:
            sessions.begin(result.person.roles)
            login_user(result.person)
            return redirect(safe_next(form.next.data) or url_for("main.index"))
        flash(LOGIN_ERRORS[result.outcome](), "error")
        status = 429 if result.outcome == "rate_limited" else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, **options), status


@bp.post("/logout")
def logout():
    idp_logout_url = oidc_views.logout_offer()
    sessions.end_current()
    if idp_logout_url:
        session[oidc_views.LOGOUT_OFFER_KEY] = idp_logout_url
        return redirect(url_for("oidc.signed_out"))
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/admin/people")
@requires("admin")
def admin_people():
    q = request.args.get("q", "").strip()[:200]
    role = request.args.get("role", "")
    page = request.args.get("page", 1, type=int)
    result = queries.people_page(q=q, role=role, page=max(page, 1))
    audit.record("people.list", "person", None, {"q": q, "role": role, "page": page})
    return render_template("auth/people.html", result=result, q=q, role=role, form=RoleForm())


@bp.post("/admin/people/<int:person_id>/roles")
@requires("admin")
def change_role(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if form.action.data != "grant" and person.id == current_user.id and form.role.data == "admin":
        flash(_("Du kan inte ta bort din egen administratörsroll."), "error")
        return redirect(url_for("auth.admin_people", q=person.username))
    changed = operations.change_role(person, form.action.data, form.role.data, current_user)
    audit.record(f"role.{form.action.data}", "person", person.id, {"role": form.role.data, "changed": changed})
    db.session.commit()
    flash(_("Rollerna för %(name)s är uppdaterade.", name=person.name), "success")
    return redirect(url_for("auth.admin_people", q=person.username))


@bp.post("/admin/people/<int:person_id>/sessions/end")
@requires("admin")
def end_sessions(person_id: int):
    """End all of a person's sessions, or one (form field `session`)."""
    person = db.get_or_404(Person, person_id)
    require_action()
    one = request.form.get("session", type=int)
    if one is not None:
        count = int(sessions.end_session(person.id, one, f"ended by admin {current_user.id}"))
    else:
        count = sessions.end_sessions_for(person.id, f"ended by admin {current_user.id}")
    audit.record("session.end", "person", person.id, {"count": count, "session": one})
    flash(_("%(count)s inloggning(ar) avslutade för %(name)s.", count=fmt_number(count), name=person.name), "success")
    return redirect(url_for("directory.person", person_id=person.id))


@bp.get("/admin/login-attacks")
@requires("admin")
def login_attacks():
    """Accounts with many recent failed log-ins (guessing, or someone kept out)."""
    rows = queries.attacked_accounts(throttle.accounts_under_attack(utcnow()))
    audit.record("login.attacks", "person", None, {"accounts": len(rows)})
    return render_template("auth/attacks.html", rows=rows), 200, {"Cache-Control": "no-store"}
