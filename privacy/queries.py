"""Reads for the retention page: per category, the oldest item still held."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from extensions import db
from models import (
    Activity,
    Attendee,
    AuditEvent,
    Document,
    ImportBatch,
    LoginAttempt,
    OutboxMessage,
    Person,
    Registration,
)
from privacy import files
from privacy.shared import SESSION_TABLES, shared_table


def _min(column, *conditions) -> datetime | None:
    return db.session.scalar(select(func.min(column)).where(*conditions))


def _oldest_session() -> datetime | None:
    found: list[datetime] = []
    for name, column in SESSION_TABLES:
        table = shared_table(name)
        moment = _min(table.c[column]) if table is not None else None
        if moment is not None:
            found.append(moment)
    return min(found) if found else None


def oldest_held() -> dict[str, datetime | None]:
    """The oldest item each category still holds (what the next due date follows from)."""
    with_replies = or_(Activity.id.in_(select(Registration.activity_id)), Activity.id.in_(select(Attendee.activity_id)))
    return {
        "mail_content": _min(OutboxMessage.created_at, OutboxMessage.raw != b""),
        "audit_addresses": _min(AuditEvent.at, AuditEvent.ip.isnot(None)),
        "audit_events": _min(AuditEvent.at),
        "login_attempts": _min(LoginAttempt.at),
        "sessions": _oldest_session(),
        "lms_uploads": files.oldest_lms_preview(),
        "lms_problem_rows": _min(ImportBatch.created_at, ImportBatch.problems.isnot(None)),
        "leavers": _min(Person.deactivated_at, Person.active.is_(False), Person.pseudonymised_at.is_(None)),
        "activity_replies": _min(Activity.ends_at, with_replies),
        "evidence_files": _min(Document.uploaded_at, Document.file_removed_at.is_(None)),
    }
