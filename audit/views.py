"""The admins' page that lists the audit log."""
from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, Flask, render_template, request

from audit import labels, queries
from auth.access import requires
from main.i18n import local_tz

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100


def _day_start(value: str, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    local = datetime.combine(day, time.max if end else time.min, tzinfo=local_tz())
    return local.astimezone(timezone.utc)


@bp.get("/admin/audit")
@requires("admin")
def log():
    action = request.args.get("action", "").strip()[:80]
    actor = request.args.get("actor", "").strip().lower()[:200]
    date_from = request.args.get("from", "")
    date_to = request.args.get("to", "")
    page = max(request.args.get("page", 1, type=int), 1)
    events = queries.events_page(action=action, actor=actor, start=_day_start(date_from),
                                 end=_day_start(date_to, end=True), page=page, per_page=PAGE_SIZE)
    return render_template(
        "audit/log.html", events=events.items, total=events.total, page=page, pages=max(1, events.pages),
        filters={"action": action, "actor": actor, "from": date_from, "to": date_to},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["audit_action_label"] = labels.action_label
