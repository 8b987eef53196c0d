"""Start page, accessibility statement, language choice and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from campaign import labels as campaign_labels
from extensions import db
from main import overview, queries
from main.i18n import LANGUAGES
from main.navigation import safe_next
from models import utcnow

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    """Each role's numbers: manager cards, the employee's own status, comms queues, region figures."""
    now, roles = utcnow(), current_user.roles
    return render_template(
        "main/index.html", employee=overview.employee_view(current_user, now),
        manager_cards=overview.manager_cards(current_user, now) if "manager" in roles else [],
        comms=overview.comms_view(current_user, now) if roles & {"comms", "admin"} else None,
        admin=overview.admin_view(now) if "admin" in roles else None,
        message_statuses=campaign_labels.MESSAGE_STATUSES,
    )


@bp.get("/tillganglighet")
def accessibility():
    return render_template("main/accessibility.html")


@bp.post("/sprak")
def set_language():
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.get("/healthz")
def healthz():
    if not queries.database_ok():
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
