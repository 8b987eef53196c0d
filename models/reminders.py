"""Training reminders: the texts admins edit, and a record of every reminder sent.

The record answers "was this person already reminded in this round?" quickly, shows
managers when someone was last reminded, limits "Remind now" per person and day, and
tells the auditors what was sent. The outbox's idempotency key is the final guarantee
that a round reaches a person at most once.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of, utcnow

#: Kinds of mail, as in `ReminderTemplate.kind` and `Reminder.kind`: the employee's reminder in a
#: round, the manager's digest, the escalation to the manager's manager, and "Remind now".
EMPLOYEE, DIGEST, ESCALATION, MANUAL = "employee", "digest", "escalation", "manual"
#: A `ReminderTemplate.kind` only: the round's reminder to someone done with an older course version
#: that counts only until the requirement's transition date (recorded as "employee").
RENEWAL = "renewal"
#: A `Reminder.kind` only: this employee was escalated (listed in an escalation mail).
ESCALATED = "escalated"
#: `Reminder.outcome` values: the outbox's enqueue outcomes, "no_manager" and "undone" (see the column).
REMINDER_OUTCOMES = ("queued", "duplicate", "no_address", "invalid_address", "invalid_header", "no_manager", "undone")


class ReminderTemplate(Base):
    """An admin's wording of one kind of reminder in one language (else the built-in text is used)."""

    __tablename__ = "training_reminder_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "employee", "renewal" (done with an older version: take the new one), "digest" (to the
    #: manager) or "escalation" (to the manager's manager).
    kind: Mapped[str] = mapped_column(String(20))
    #: "sv" or "en" (the recipient's chosen language; Swedish when none was chosen).
    locale: Mapped[str] = mapped_column(String(8))
    #: Subject line with placeholders.
    subject: Mapped[str] = mapped_column(String(300))
    #: Body in Markdown with placeholders.
    body: Mapped[str] = mapped_column(Text)
    #: Who saved it last.
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was saved last.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        one_of("kind", (EMPLOYEE, RENEWAL, DIGEST, ESCALATION)),
        UniqueConstraint("kind", "locale", name="uq_training_reminder_template_kind_locale"),)


class Reminder(Base):
    """One reminder sent (queued in the outbox): to an employee, or a digest or escalation to a manager."""

    __tablename__ = "training_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The requirement the reminder is about.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("training_requirement.id"))
    #: The person reminded (employee, manual) or escalated (escalated), or the manager who got the mail.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: "employee" (a round), "manual" ("Remind now"), "digest", "escalation" (the mail) or "escalated".
    kind: Mapped[str] = mapped_column(String(20))
    #: Round: days relative to the due date (-14, 0, 7; the escalation's day when escalated); else None.
    round_offset: Mapped[int | None] = mapped_column(Integer)
    #: The due date the round was counted from (a new due date starts new rounds).
    due_on: Mapped[date | None] = mapped_column(Date)
    #: People a digest or escalation listed (their ids), for the record.
    about: Mapped[str | None] = mapped_column(Text)
    #: The outbox message (None when the person had no usable address).
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    #: "queued", "duplicate", "no_address", "invalid_address", "invalid_header" (the enqueue outcome),
    #: "undone" (a "Remind now" taken back) or "no_manager"
    #: (nobody to escalate to).
    outcome: Mapped[str] = mapped_column(String(20))
    #: Who pressed "Remind now" (None for the scheduled rounds).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was queued.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        one_of("kind", (EMPLOYEE, MANUAL, DIGEST, ESCALATION, ESCALATED)),
        one_of("outcome", REMINDER_OUTCOMES),
        # "Already reminded in the rounds still open?" for a whole requirement: the recent rows only.
        Index("ix_training_reminder_recent", "requirement_id", "kind", "created_at"),
        # "Last reminded" on the team page and the per-day limit of "Remind now".
        Index("ix_training_reminder_person_at", "person_id", "created_at"),
    )
