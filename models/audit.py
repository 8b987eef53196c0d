"""The audit log: who viewed or changed personal data, and when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.directory import Person


class AuditEvent(Base):
    """One recorded action on personal data (a view, an export, a change)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened.
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who did it (None for the system, the CLI or an anonymous request).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: What was done, dotted ("login.success", "team.view", "team.export").
    action: Mapped[str] = mapped_column(String(80), index=True)
    #: Kind of thing acted on ("person", "unit", "import", …).
    target_type: Mapped[str | None] = mapped_column(String(40))
    #: Its id, as text.
    target_id: Mapped[str | None] = mapped_column(String(80))
    #: Extra facts (counts, filters, file names); never passwords.
    detail: Mapped[dict | None] = mapped_column(JSON)
    #: Client address when the action came over HTTP.
    ip: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[Person | None] = relationship()
