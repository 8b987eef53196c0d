"""The audit log of personal-data views, exports and changes.

`record()` adds an event to the current session; the caller's commit saves it with
the change it describes (for reads, views commit at the end of the request).
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from extensions import db
from models import AuditEvent, utcnow


def record(action: str, target_type: str | None = None, target_id=None, detail: dict | None = None,
           actor_id: int | None = None, commit: bool = True) -> AuditEvent:
    """Record that the current user (or `actor_id`) did `action` on a target."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    if commit:
        db.session.commit()
    return event
