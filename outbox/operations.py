"""Writes to the outbox: enqueue a message, and the admins' retry and cancel.

`enqueue` runs its statements in the caller's transaction (the caller commits), so a
campaign can enqueue thousands of messages all-or-nothing.
"""
from __future__ import annotations

from typing import Any

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, select, text, update

from extensions import db
from models.base import affected, table_of
from models import OutboxMessage, OutboxSkip, Person, utcnow
from outbox.mime import (
    HeaderInjection,
    InvalidAddress,
    Part,
    build_message,
    check_header_text,
    new_message_id,
    render,
    validate_address,
)

#: enqueue() outcomes.
QUEUED, DUPLICATE, NO_ADDRESS, INVALID_ADDRESS = "queued", "duplicate", "no_address", "invalid_address"
#: A line break or control character in the recipient's name or the subject (a header injection).
INVALID_HEADER = "invalid_header"
#: The outcomes that skip the recipient (and are listed for the admins as OutboxSkip rows).
SKIPPED = (NO_ADDRESS, INVALID_ADDRESS, INVALID_HEADER)


@dataclass(frozen=True)
class Enqueued:
    """What enqueue() did. Only "queued" created a row; "duplicate" points at the earlier one."""

    #: "queued", "duplicate", "no_address" or "invalid_address".
    outcome: str
    #: The idempotency key.
    key: str
    #: Id of the (new or existing) outbox row; None when nothing was enqueued.
    message_id: int | None = None
    #: The person it was for, if any (so callers can report people without an address).
    person_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in (QUEUED, DUPLICATE)

    @property
    def skipped(self) -> bool:
        """The recipient cannot be mailed (no or unusable address, a line break in a header)."""
        return self.outcome in SKIPPED


def enqueue(key: str, *, to: Person | str | None, subject: str, text: str, html: str | None = None,
            to_name: str | None = None, alternatives: Sequence[Part] = (), attachments: Sequence[Part] = (),
            send_after: datetime | None = None, created_by: Person | int | None = None,
            related: tuple[str, object] | None = None, now: datetime | None = None,
            mail_from: str | None = None, person_id: int | None = None) -> Enqueued:
    """Put one message in the outbox, once per `key`.

    `to` is a Person (address and name from the directory) or an address. A recipient who
    cannot be mailed (no or an unusable address, a line break or control character in the
    name or subject) is skipped: reported in the result and recorded as an OutboxSkip row
    for the admins, never raised, so a round over many people goes on.
    `mail_from` replaces MAIL_FROM in the From header (calendar invitations: the organiser).
    `person_id` names the recipient when `to` is an address read without loading the Person.
    """
    if not key or len(key) > 200:
        raise ValueError("idempotency key must be 1-200 characters")
    person = to if isinstance(to, Person) else None
    address = person.email if person is not None else to
    name = to_name if to_name is not None else (person.name if person is not None else "")
    person_id = person.id if person is not None else person_id
    skip: dict[str, Any] = {"key": key, "person_id": person_id, "related": related, "now": now}
    try:
        check_header_text(subject, "subject")
        check_header_text(name or "", "recipient name")
        if mail_from is not None:
            check_header_text(mail_from, "sender")  # the address itself is checked where it is configured
    except (HeaderInjection, TypeError) as exc:
        return _skip(INVALID_HEADER, detail=f"{exc}: {printable(name or '')} / {printable(subject or '')}", **skip)
    if not address or not address.strip():
        return _skip(NO_ADDRESS, detail="", **skip)
    try:
        address = validate_address(address)
    except InvalidAddress:
        return _skip(INVALID_ADDRESS, detail=printable(address), **skip)
    existing = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
    if existing is not None:  # the usual duplicate: skip building the message
        return Enqueued(DUPLICATE, key, existing, person_id)
    now = now or utcnow()
    sender = mail_from or current_app.config["MAIL_FROM"]
    message_id = new_message_id(sender)
    raw = render(build_message(mail_from=sender, to_address=address, to_name=name, subject=subject, text=text,
                               html=html, alternatives=alternatives, attachments=attachments,
                               message_id=message_id))
    values = {
        "idempotency_key": key, "status": "queued", "recipient_email": address, "recipient_name": name,
        "recipient_id": person_id, "mail_from": mail_from, "subject": subject, "body_text": text,
        "body_html": html, "raw": raw,
        "message_id": message_id, "attempts": 0, "next_attempt_at": send_after or now, "created_at": now,
        "created_by_id": created_by.id if isinstance(created_by, Person) else created_by,
        "related_type": related[0] if related else None,
        "related_id": str(related[1]) if related else None,
    }
    new_id = _insert_once(values)
    if new_id is None:  # enqueued by someone else a moment ago
        existing = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
        return Enqueued(DUPLICATE, key, existing, person_id)
    return Enqueued(QUEUED, key, new_id, person_id)


def printable(value: object, limit: int = 400) -> str:
    """A refused value as the admins may see it: control characters escaped ("\\n"), cut to `limit`."""
    text = value if isinstance(value, str) else repr(value)
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text[:limit])[:limit]


def _skip(outcome: str, *, key: str, person_id: int | None, detail: str, related: tuple[str, object] | None,
          now: datetime | None) -> Enqueued:
    """Record a skipped recipient once per key (in the caller's transaction) and say so."""
    db.session.execute(_INSERT_SKIP, {
        "idempotency_key": key, "reason": outcome, "recipient_id": person_id, "detail": detail,
        "related_type": related[0] if related else None, "related_id": str(related[1]) if related else None,
        "created_at": now or utcnow(),
    })
    return Enqueued(outcome, key, person_id=person_id)


def _insert_once(values: dict) -> int | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING; the new id, or None if the key exists.

    The database decides, so two processes enqueueing the same key at once still make one row.
    """
    return db.session.execute(_INSERT_ONCE, values).scalar()


#: The columns enqueue() fills in; the others start empty.
_ENQUEUED_COLUMNS = (
    "idempotency_key", "status", "recipient_email", "recipient_name", "recipient_id", "mail_from", "subject", "body_text",
    "body_html", "raw", "message_id", "attempts", "next_attempt_at", "created_at", "created_by_id",
    "related_type", "related_id",
)


def _insert_once_statement(table, column_names, returning: str = " RETURNING id"):
    """The same SQL on SQLite (3.35+) and PostgreSQL. Written as text with typed parameters
    because SQLAlchemy does not cache its ON CONFLICT constructs: this is compiled once."""
    columns = [table.c[name] for name in column_names]
    names = ", ".join(c.name for c in columns)
    params = ", ".join(f":{c.name}" for c in columns)
    sql = (f"INSERT INTO {table.name} ({names}) VALUES ({params}) "
           f"ON CONFLICT (idempotency_key) DO NOTHING{returning}")
    return text(sql).bindparams(*(bindparam(c.name, type_=c.type) for c in columns))


_INSERT_ONCE = _insert_once_statement(table_of(OutboxMessage), _ENQUEUED_COLUMNS)
_INSERT_SKIP = _insert_once_statement(
    table_of(OutboxSkip), ("idempotency_key", "reason", "recipient_id", "detail", "related_type", "related_id",
                           "created_at"), returning="")


def retry(message_id: int, now: datetime | None = None) -> bool:
    """Put a failed (or waiting) message back in the queue, due now, with a fresh attempt count."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(("failed", "queued")))
        .values(status="queued", attempts=0, first_attempt_at=None, next_attempt_at=now or utcnow())
    )
    return bool(affected(result))


def retry_all_failed(now: datetime | None = None) -> int:
    """Requeue every failed message (after fixing the mail server settings, say)."""
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.status == "failed")
        .values(status="queued", attempts=0, first_attempt_at=None, next_attempt_at=now or utcnow())
    )
    return affected(result)


def cancel(message_id: int) -> bool:
    """Cancel a message that has not been sent (queued or failed); a sending one cannot be stopped."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(("failed", "queued")))
        .values(status="cancelled", claimed_by=None, claim_expires_at=None)
    )
    return bool(affected(result))
