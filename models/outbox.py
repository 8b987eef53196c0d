"""The outbox: every e-mail Vaksam sends is a row here first, then it is sent.

The sender (`outbox/sender.py`) claims due rows, sends them and records the outcome;
the row, not the scheduler or a thread, is the truth for what still has to go out.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of, utcnow

#: Every status a message can have. queued → sending → sent | queued (retry) | failed;
#: queued/failed → cancelled by an admin.
STATUSES = ("queued", "sending", "sent", "failed", "cancelled")


class OutboxMessage(Base):
    """One e-mail to one recipient, with its delivery state."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Caller-chosen unique key ("reminder:round-3:person-17"); enqueueing it again does nothing.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: queued, sending, sent, failed or cancelled (see STATUSES).
    status: Mapped[str] = mapped_column(String(12), default="queued")
    #: Recipient address, validated when enqueued.
    recipient_email: Mapped[str] = mapped_column(String(320))
    #: Recipient display name for the To header ("" for none); never contains CR/LF.
    recipient_name: Mapped[str] = mapped_column(String(400), default="")
    #: The person the message is for, when it is for someone in the directory.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: Subject line; never contains CR/LF.
    subject: Mapped[str] = mapped_column(String(998))
    #: From header when it is not MAIL_FROM (an invitation comes from its organiser's mailbox); None: MAIL_FROM.
    mail_from: Mapped[str | None] = mapped_column(String(400))
    #: Plain-text body (always present: some people read mail as text).
    body_text: Mapped[str] = mapped_column(Text)
    #: HTML body, or None for a text-only message.
    body_html: Mapped[str | None] = mapped_column(Text)
    #: The whole message as it goes on the wire (MIME, CRLF line endings), built once when
    #: enqueued from the fields above plus any alternatives and attachments (a text/calendar
    #: part, an .ics file), whose exact bytes it keeps. The sender only adds the Date header.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    #: Message-ID header, fixed at enqueue so a resend carries the same id.
    message_id: Mapped[str] = mapped_column(String(250))
    #: Answers from the mail server about this message so far (drives the exponential backoff);
    #: a server that is down or closes the connection uses up no attempt.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When the sender first took it up; a temporary failure after OUTBOX_GIVE_UP_HOURS from here is final.
    first_attempt_at: Mapped[datetime | None]
    #: Not sent before this time; the sender's poll looks at queued rows due by now.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Why the last attempt failed ("451 Try again later", "connection refused", …).
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When the mail server accepted it (or the demo .eml file was written).
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    #: Claim token of the sender that is sending it now (status "sending").
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    #: When that claim runs out; a row still "sending" after this is put back in the queue.
    claim_expires_at: Mapped[datetime | None]
    #: Demo mode: file name of the written .eml under OUTBOX_MAIL_DIR.
    eml_name: Mapped[str | None] = mapped_column(String(200))
    #: When it was enqueued.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who caused it (an admin sending a test, a manager's "remind now"); None for the system.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Kind of thing the message is about ("reminder_round", "activity", "plan_message", …).
    related_type: Mapped[str | None] = mapped_column(String(40))
    #: Its id, as text.
    related_id: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (
        one_of("status", STATUSES),
        # The poll: "queued and due" stays a small index however many rows were sent.
        Index("ix_outbox_message_due", "next_attempt_at", "id",
              postgresql_where=text("status = 'queued'"), sqlite_where=text("status = 'queued'")),
        # Everything else by status (failed ones for the admin page, stuck "sending" ones);
        # it leaves queued rows out so the poll has exactly one index to use.
        Index("ix_outbox_message_status", "status", "id",
              postgresql_where=text("status <> 'queued'"), sqlite_where=text("status <> 'queued'")),
        Index("ix_outbox_message_related", "related_type", "related_id"),
    )


#: Why enqueue() skipped a recipient (OutboxSkip.reason).
SKIP_REASONS = ("no_address", "invalid_address", "invalid_header")


class OutboxSkip(Base):
    """A recipient a batch could not mail (no or unusable address, a line break in a name or
    subject). The batch goes on without them; the admins' outbox page lists these."""

    __tablename__ = "outbox_skip"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The idempotency key the message would have had; one row per key, however often it is tried.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: no_address, invalid_address or invalid_header (SKIP_REASONS).
    reason: Mapped[str] = mapped_column(String(20))
    #: The person it was for, when it was for someone in the directory.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: The refused address or name, made printable (line breaks shown escaped), at most 400 characters.
    detail: Mapped[str] = mapped_column(String(400), default="")
    #: Kind of thing the message was about ("reminder_round", "activity", "plan_message", …).
    related_type: Mapped[str | None] = mapped_column(String(40))
    #: Its id, as text.
    related_id: Mapped[str | None] = mapped_column(String(80))
    #: When it was skipped (the first time).
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (one_of("reason", SKIP_REASONS),)


class MailOutage(Base):
    """A time when the mail server could not be reached or refused to take mail (one row per outage).

    Opened by the sender at the first failed connection, closed at the next message the server
    takes; `alerted_at` makes the admins' alert go out once per outage."""

    __tablename__ = "mail_outage"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The first failure.
    started_at: Mapped[datetime]
    #: The latest failure (the server's answer or the connection error).
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: The latest failed try.
    last_failure_at: Mapped[datetime]
    #: When the alert to ADMIN_ALERT_TO was queued; None before OUTBOX_ALERT_MINUTES have passed.
    alerted_at: Mapped[datetime | None]
    #: When the server took mail again; None while it lasts.
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
