"""The sender: claim due outbox rows, send them over one connection, record each outcome.

* Claiming is one atomic UPDATE that stamps the rows with a random claim token
  (on PostgreSQL its sub-select takes the rows FOR UPDATE SKIP LOCKED; SQLite runs one
  writer at a time), so two senders never hold the same row.
* Each outcome is committed right after its message, so a crash between the server
  accepting a message and the commit can resend that one message, never a batch.
* A row left "sending" by a crashed sender goes back to the queue when its claim expires.
* Sending is paced to SMTP_MAX_PER_MINUTE (0 = unlimited) and also never claims more
  than the minute's remaining budget, counted from what all senders sent.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from extensions import db
from models import OutboxMessage, utcnow
from outbox.mime import Part, build_message, envelope_sender
from outbox.retry import gives_up, next_attempt
from outbox.transport import ConnectFailure, DeliveryFailure, transport_for

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """A claimed row, copied out of the session so per-message commits need no reloads."""

    id: int
    to_address: str
    to_name: str
    subject: str
    text: str
    html: str | None
    message_id: str
    attempts: int
    alternatives: list[Part] = field(default_factory=list)
    attachments: list[Part] = field(default_factory=list)
    #: From header when not MAIL_FROM.
    mail_from: str | None = None

    @classmethod
    def from_row(cls, row: OutboxMessage) -> Outgoing:
        out = cls(row.id, row.recipient_email, row.recipient_name, row.subject, row.body_text, row.body_html,
                  row.message_id, row.attempts, mail_from=row.mail_from)
        for p in row.parts:
            part = Part(p.content_type, bytes(p.content), p.params or {}, p.filename)
            (out.alternatives if p.kind == "alternative" else out.attachments).append(part)
        return out


@dataclass
class SendReport:
    """What one run of the sender did."""

    recovered: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    error: str | None = None

    def __str__(self) -> str:
        text = (f"sent {self.sent}, retry later {self.retried}, failed {self.failed}, "
                f"released {self.released}, recovered {self.recovered}")
        return f"{text}; {self.error}" if self.error else text


class Pacer:
    """Spaces message starts evenly: at most `per_minute` a minute (0 = no limit)."""

    def __init__(self, per_minute: int):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            time.sleep(delay)


_pacers: dict[int, Pacer] = {}


def _pacer(per_minute: int) -> Pacer:
    """One pacer per process, so pacing carries over from one run of the job to the next."""
    return _pacers.setdefault(per_minute, Pacer(per_minute))


def recover_expired_claims(now: datetime) -> int:
    """Put rows whose sender vanished (claim expired while "sending") back in the queue."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claim_expires_at < now)
        .values(status="queued", claimed_by=None, claim_expires_at=None,
                last_error="the sender stopped while sending; queued again")
    )
    db.session.commit()
    return result.rowcount


def claim_batch(now: datetime, limit: int, token: str, claim_seconds: int) -> list[Outgoing]:
    """Atomically mark up to `limit` due rows as ours ("sending", claimed_by=token) and return them.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, then UPDATE those ids, in one transaction
    (a LIMIT sub-select inside the UPDATE may be re-run by the planner and claim more).
    SQLite: one UPDATE … WHERE id IN (due ids) AND status='queued'; SQLite runs one
    writer at a time, so a second sender's UPDATE sees the first one's claims.
    """
    if limit <= 0:
        return []
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.status == "queued")
        .values(status="sending", claimed_by=token, claim_expires_at=now + timedelta(seconds=claim_seconds))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()  # start a fresh transaction (SQLite: no stale read snapshot before the write)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(claim.where(OutboxMessage.id.in_(ids)))
    else:
        db.session.execute(claim.where(OutboxMessage.id.in_(due.scalar_subquery())))
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.status == "sending")
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    batch = [Outgoing.from_row(row) for row in rows]
    db.session.commit()
    for row in rows:  # only the copies are used from here on
        db.session.expunge(row)
    return batch


def sent_in_last_minute(now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status == "sent", OutboxMessage.sent_at > now - timedelta(seconds=60))
    )


def _finish(mail: Outgoing, token: str, **values) -> bool:
    """Record one message's outcome, only if we still hold its claim; commit at once."""
    values.update(claimed_by=None, claim_expires_at=None)
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == mail.id, OutboxMessage.claimed_by == token).values(**values)
    )
    db.session.commit()
    if not result.rowcount:
        log.warning("outbox message %s: claim lost before its outcome was recorded", mail.id)
    return bool(result.rowcount)


def _record_failure(mail: Outgoing, token: str, reason: str, permanent: bool, cfg: dict,
                    report: SendReport) -> None:
    attempts = mail.attempts + 1
    now = utcnow()
    if gives_up(attempts, permanent, cfg["OUTBOX_MAX_ATTEMPTS"]):
        prefix = "" if permanent else f"gave up after {attempts} attempts: "
        _finish(mail, token, status="failed", attempts=attempts, last_error=(prefix + reason)[:4000])
        report.failed += 1
    else:
        when = next_attempt(now, attempts, cfg["OUTBOX_RETRY_BASE_SECONDS"], cfg["OUTBOX_RETRY_MAX_SECONDS"])
        _finish(mail, token, status="queued", attempts=attempts, next_attempt_at=when, last_error=reason[:4000])
        report.retried += 1


def _release(batch: list[Outgoing], token: str, report: SendReport) -> None:
    """Give unattempted rows back to the queue unchanged (due as before)."""
    if not batch:
        return
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in batch]), OutboxMessage.claimed_by == token)
        .values(status="queued", claimed_by=None, claim_expires_at=None)
    )
    db.session.commit()
    report.released += result.rowcount


def send_batch(transport, batch: list[Outgoing], token: str, cfg: dict, report: SendReport) -> None:
    """Send a claimed batch in order; stops early if the connection is lost or the claim runs short."""
    sender = envelope_sender(cfg["MAIL_FROM"])
    pacer = _pacer(cfg["SMTP_MAX_PER_MINUTE"])
    # Stop well before the claim expires, so recovery never resends what we are still sending.
    stop_at = time.monotonic() + cfg["OUTBOX_CLAIM_SECONDS"] - (4 * cfg["SMTP_TIMEOUT"] + 5)
    for index, mail in enumerate(batch):
        if time.monotonic() > stop_at:
            _release(batch[index:], token, report)
            return
        try:
            msg = build_message(mail_from=mail.mail_from or cfg["MAIL_FROM"], to_address=mail.to_address, to_name=mail.to_name,
                                subject=mail.subject, text=mail.text, html=mail.html,
                                alternatives=mail.alternatives, attachments=mail.attachments,
                                message_id=mail.message_id, date=utcnow())
        except ValueError as exc:  # a row written around enqueue(); it will never get better
            _record_failure(mail, token, f"cannot build the message: {exc}", True, cfg, report)
            continue
        pacer.wait()
        try:
            eml = transport.send(msg, sender, mail.to_address, mail.id)
        except ConnectFailure as exc:
            report.error = str(exc)
            for waiting in batch[index:]:
                _record_failure(waiting, token, str(exc), False, cfg, report)
            return
        except DeliveryFailure as exc:
            _record_failure(mail, token, exc.reason, exc.permanent, cfg, report)
            if exc.connection_lost:
                report.error = exc.reason
                _release(batch[index + 1:], token, report)
                return
            continue
        if _finish(mail, token, status="sent", sent_at=utcnow(), attempts=mail.attempts + 1, last_error=None,
                   eml_name=eml):
            report.sent += 1


def batch_limit(cfg: dict, now: datetime) -> int:
    """How many rows to claim now: the batch size, within the minute's budget and the claim time."""
    limit = cfg["OUTBOX_BATCH_SIZE"]
    per_minute = cfg["SMTP_MAX_PER_MINUTE"]
    if per_minute > 0:
        limit = min(limit, per_minute - sent_in_last_minute(now),
                    max(1, per_minute * cfg["OUTBOX_CLAIM_SECONDS"] // 120))
    return limit


def send_due(now: datetime | None = None) -> SendReport:
    """Send due messages batch after batch until none is due, the budget is spent or
    OUTBOX_RUN_SECONDS have passed. Safe to run in several processes at once."""
    cfg = current_app.config
    report = SendReport()
    report.recovered = recover_expired_claims(now or utcnow())
    deadline = time.monotonic() + cfg["OUTBOX_RUN_SECONDS"]
    transport = transport_for(cfg)
    try:
        while time.monotonic() < deadline:
            now = utcnow()
            token = secrets.token_hex(16)
            batch = claim_batch(now, batch_limit(cfg, now), token, cfg["OUTBOX_CLAIM_SECONDS"])
            if not batch:
                break
            report.claimed += len(batch)
            send_batch(transport, batch, token, cfg, report)
            if report.error:
                break
    finally:
        transport.close()
    return report
