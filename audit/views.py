"""The admins' page that lists the audit log."""
from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, Flask, render_template, request
from sqlalchemy import func, select

from audit import labels
from auth.access import requires
from extensions import db
from main.i18n import local_tz
from models import AuditEvent, Person

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
    stmt = select(AuditEvent).outerjoin(Person, AuditEvent.actor_id == Person.id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if actor:
        stmt = stmt.where(Person.username == actor)
    if (start := _day_start(date_from)) is not None:
        stmt = stmt.where(AuditEvent.at >= start)
    if (end := _day_start(date_to, end=True)) is not None:
        stmt = stmt.where(AuditEvent.at <= end)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    events = db.session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template(
        "audit/log.html", events=events, total=total, page=page, pages=pages,
        filters={"action": action, "actor": actor, "from": date_from, "to": date_to},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["audit_action_label"] = labels.action_label
