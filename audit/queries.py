"""Reads of the audit log for the admins' page."""
from __future__ import annotations

from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from extensions import db
from models import AuditEvent, Person


def events_page(*, action: str = "", actor: str = "", start: datetime | None = None, end: datetime | None = None,
                page: int = 1, per_page: int = 100) -> Pagination:
    """Events newest first, narrowed by action prefix, the actor's user name and a time span."""
    stmt = select(AuditEvent).outerjoin(Person, AuditEvent.actor_id == Person.id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if actor:
        stmt = stmt.where(Person.username == actor)
    if start is not None:
        stmt = stmt.where(AuditEvent.at >= start)
    if end is not None:
        stmt = stmt.where(AuditEvent.at <= end)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
