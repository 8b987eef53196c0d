""""Påminn alla som inte är klara": one click reminds everyone not done below a manager,
and "Ångra" takes the reminders back while they still wait in the outbox.

A batch is the reminders one person queued for one requirement at one moment; it is
named by that moment (`created_at`), which the page keeps in the session for "Ångra".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

import audit
from extensions import db
from models import OutboxMessage, Person, Requirement
from models.reminders import MANUAL, Reminder
from outbox import operations as outbox
from reminders.actions import ManualReport, remind_now
from training import people_export

#: Reminder.outcome of a reminder taken back with "Ångra" before it was sent.
UNDONE = "undone"


def not_done_people(requirement: Requirement, manager: Person) -> list[Person]:
    """Everyone below `manager` who is covered by `requirement` and not done (from the status cache)."""
    todo = people_export.selected_ids(requirement, manager=manager, state="todo")
    return list(db.session.scalars(select(Person).where(Person.id.in_(todo)).order_by(Person.id)))


def remind_all(requirement: Requirement, manager: Person, by: Person, now: datetime) -> ManualReport:
    """Queue a reminder to everyone below `manager` not done (the daily limit per person applies)."""
    return remind_now(requirement, not_done_people(requirement, manager), by, now)


@dataclass
class UndoReport:
    #: Reminders taken back (their e-mails cancelled before sending).
    cancelled: int = 0
    #: Reminders whose e-mail had already left (or was being sent): too late.
    too_late: int = 0


def _batch_filter(requirement_id: int, by_id: int, at: datetime) -> tuple:
    return (Reminder.requirement_id == requirement_id, Reminder.created_by_id == by_id, Reminder.kind == MANUAL,
            Reminder.created_at == at, Reminder.outcome == outbox.QUEUED)


def pending(requirement_id: int, by_id: int, at: datetime) -> int:
    """How many reminders of the batch still wait in the outbox (0: nothing left to undo)."""
    return db.session.scalar(
        select(func.count()).select_from(Reminder).join(OutboxMessage, OutboxMessage.id == Reminder.outbox_message_id)
        .where(*_batch_filter(requirement_id, by_id, at), OutboxMessage.status == "queued")) or 0


def undo(requirement_id: int, by: Person, at: datetime) -> UndoReport:
    """Cancel the batch's e-mails still in the outbox; the caller commits. Audited."""
    report = UndoReport()
    for reminder in db.session.scalars(select(Reminder).where(*_batch_filter(requirement_id, by.id, at))):
        if reminder.outbox_message_id is not None and outbox.cancel(reminder.outbox_message_id):
            reminder.outcome = UNDONE
            report.cancelled += 1
        else:
            report.too_late += 1
    audit.record("training.reminder.undo", "requirement", requirement_id,
                 {"batch": at.isoformat(), "cancelled": report.cancelled, "too_late": report.too_late},
                 actor_id=by.id, commit=False)
    return report
