"""Admins' pages for the directory: sync runs with their problem lists, a sync request
button, and the org tree's top with the "no known manager" node."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import audit
from auth.access import requires
from directory import operations, queries
from extensions import db
from models import DirectorySyncRun, utcnow

bp = Blueprint("directory_admin", __name__, url_prefix="/admin/directory")


@bp.get("/")
@requires("admin")
def runs():
    return render_template("directory/runs.html", runs=queries.recent_runs(50), configured=bool(current_app.config.get("LDAP_URL")))


@bp.post("/sync")
@requires("admin")
def request_sync():
    if not current_app.config.get("LDAP_URL"):
        flash(_("Ingen katalogtjänst är konfigurerad (LDAP_URL)."), "error")
        return redirect(url_for(".runs"))
    if not operations.request_sync(current_user, request.form.get("dry_run") == "1", utcnow()):
        flash(_("En synkronisering väntar redan eller pågår."), "info")
        return redirect(url_for(".runs"))
    db.session.commit()
    flash(_("Synkroniseringen är beställd och startar inom en minut."), "success")
    return redirect(url_for(".runs"))


@bp.get("/runs/<int:run_id>")
@requires("admin")
def run_detail(run_id: int):
    run = db.get_or_404(DirectorySyncRun, run_id)
    audit.record("directory.run.view", "directory_sync_run", run.id)  # problem lists name people
    return render_template("directory/run.html", run=run)


@bp.get("/org")
@requires("admin")
def org():
    tops, unknown = queries.org_roots()
    audit.record("directory.org.view", "org", None)
    return render_template("directory/org.html", tops=tops, unknown=unknown)
