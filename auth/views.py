"""Log-in and log-out pages, and the admins' page for people and roles."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

import audit
from auth import operations, queries
from auth.access import requires
from auth.forms import LoginForm, RoleForm
from extensions import db
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
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        result = operations.authenticate(form.username.data, form.password.data, request.remote_addr or "?", utcnow())
        if result.outcome == "ok":
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(result.person)
            return redirect(safe_next(form.next.data) or url_for("main.index"))
        flash(LOGIN_ERRORS[result.outcome](), "error")
        status = 429 if result.outcome == "rate_limited" else 401
    elif request.method == "POST":
        status = 400
    demo_logins = current_app.config.get("DEMO_LOGINS") if current_app.config.get("DEMO_MODE") else None
    return render_template("auth/login.html", form=form, demo_logins=demo_logins), status


@bp.post("/logout")
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
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
    if form.action.data == "grant":
        changed = operations.grant_role(person, form.role.data, granted_by=current_user)
    else:
        if person.id == current_user.id and form.role.data == "admin":
            flash(_("Du kan inte ta bort din egen administratörsroll."), "error")
            return redirect(url_for("auth.admin_people", q=person.username))
        changed = operations.revoke_role(person, form.role.data)
    audit.record(f"role.{form.action.data}", "person", person.id, {"role": form.role.data, "changed": changed})
    db.session.commit()
    flash(_("Rollerna för %(name)s är uppdaterade.", name=person.name), "success")
    return redirect(url_for("auth.admin_people", q=person.username))
