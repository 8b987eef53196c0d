"""The sender: claim due outbox rows, send them over one connection, record each outcome.

* Claiming is atomic and stamps the rows with a random claim token (PostgreSQL:
  SELECT … FOR UPDATE SKIP LOCKED, then UPDATE; SQLite: one UPDATE, SQLite runs one
  writer at a time), so two senders never hold the same row.
* Each outcome is committed before the next message's content is sent, so a crash
  between the server accepting a message and the commit can resend that one message,
  never a batch (the commit overlaps the next message's envelope commands: `Recorder`).
* A row left "sending" by a crashed sender goes back to the queue when its claim expires.
* Only an answer from the server about a message counts as its attempt. A server that is
  down, greets with 421 or times out before taking the message releases the rest of the
  batch untouched (`recording._release_unanswered`); a message gives up OUTBOX_GIVE_UP_HOURS after
  it was first taken up, whatever the number of tries. Outages are tracked (outbox/outage.py).
* `should_stop` (the scheduler's SIGTERM) is checked before each message: the message in
  flight is finished and recorded, the rest of the claimed batch is released at once.
* Sending is paced to SMTP_MAX_PER_MINUTE (0 = unlimited) and also never claims more
  than the minute's remaining budget, counted from what all senders sent.
* Messages were built when enqueued; the sender only adds the Date header.
"""
from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from extensions import db
from models import OutboxMessage, utcnow
from models.base import affected, table_of
from outbox import outage
from outbox.mime import envelope_sender, stamp_date
from outbox.pacing import pacer_for
from outbox.recording import Outgoing, Recorder, SendReport
from outbox.transport import ConnectFailure, DeliveryFailure, transport_for

log = logging.getLogger(__name__)
TABLE = table_of(OutboxMessage)


def recover_expired_claims(now: datetime) -> int:
    """Put rows whose sender vanished (claim expired while "sending") back in the queue."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claim_expires_at < now)
        .values(status="queued", claimed_by=None, claim_expires_at=None,
                last_error="the sender stopped while sending; queued again")
    )
    db.session.commit()
    return affected(result)


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
        select(TABLE.c.id)
        .where(TABLE.c.status == "queued", TABLE.c.next_attempt_at <= now)
        .order_by(TABLE.c.next_attempt_at, TABLE.c.id)
        .limit(limit)
    )
    claim = (TABLE.update().where(TABLE.c.status == "queued")
             .values(status="sending", claimed_by=token, claim_expires_at=now + timedelta(seconds=claim_seconds),
                     first_attempt_at=func.coalesce(TABLE.c.first_attempt_at, now)))
    db.session.commit()  # start a fresh transaction (SQLite: no stale read snapshot before the write)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(claim.where(TABLE.c.id.in_(ids)))
    else:
        db.session.execute(claim.where(TABLE.c.id.in_(due.scalar_subquery())))
    db.session.commit()
    rows = db.session.execute(
        select(TABLE.c.id, TABLE.c.recipient_email, TABLE.c.raw, TABLE.c.attempts, TABLE.c.next_attempt_at,
               TABLE.c.first_attempt_at)
        .where(TABLE.c.claimed_by == token, TABLE.c.status == "sending")
        .order_by(TABLE.c.next_attempt_at, TABLE.c.id)
    ).all()
    db.session.commit()
    return [Outgoing(r.id, r.recipient_email, bytes(r.raw), r.attempts, r.next_attempt_at, r.first_attempt_at)
            for r in rows]


def sent_in_last_minute(now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(TABLE)
        .where(TABLE.c.status == "sent", TABLE.c.sent_at > now - timedelta(seconds=60))
    ) or 0


def send_batch(transport, batch: list[Outgoing], token: str, cfg: dict, report: SendReport,
               should_stop: Callable[[], bool] = lambda: False) -> None:
    """Send a claimed batch in order; stops early if the connection is lost, the claim runs
    short or `should_stop()` says so (the rest is released at once)."""
    with (db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
          ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-db") as pool):
        recorder = Recorder(conn, pool, token, cfg, report)
        try:
            _send_batch(transport, batch, recorder, cfg, should_stop)
        finally:
            recorder.settle()


def _send_batch(transport, batch: list[Outgoing], recorder: Recorder, cfg: dict,
                should_stop: Callable[[], bool]) -> None:
    sender = envelope_sender(cfg["MAIL_FROM"])
    pacer = pacer_for(cfg["SMTP_MAX_PER_MINUTE"])
    # Stop well before the claim expires, so recovery never resends what we are still sending.
    stop_at = time.monotonic() + cfg["OUTBOX_CLAIM_SECONDS"] - (4 * cfg["SMTP_TIMEOUT"] + 5)
    for index, mail in enumerate(batch):
        if should_stop():
            recorder.report.stopped = True
            recorder.release(batch[index:])
            return
        if time.monotonic() > stop_at:
            recorder.release(batch[index:])
            return
        pacer.wait()
        try:
            eml = transport.send(stamp_date(mail.raw, utcnow()), sender, mail.to_address, mail.id,
                                 ready=recorder.settle)
        except ConnectFailure as exc:
            recorder.unanswered(batch[index:], str(exc))
            return
        except DeliveryFailure as exc:
            if not exc.answered:  # the server is down or busy: this one and the rest wait, no attempt used
                recorder.unanswered(batch[index:], exc.reason)
                return
            recorder.failure(mail, exc.reason, exc.permanent)
            if exc.connection_lost:
                recorder.report.error = exc.reason
                recorder.release(batch[index + 1:])
                return
            continue
        recorder.sent(mail, eml)


def batch_limit(cfg: dict, now: datetime) -> int:
    """How many rows to claim now: the batch size, within the minute's budget and the claim time."""
    limit = cfg["OUTBOX_BATCH_SIZE"]
    per_minute = cfg["SMTP_MAX_PER_MINUTE"]
    if per_minute > 0:
        limit = min(limit, per_minute - sent_in_last_minute(now),
                    max(1, per_minute * cfg["OUTBOX_CLAIM_SECONDS"] // 120))
    return limit


def send_due(now: datetime | None = None, should_stop: Callable[[], bool] = lambda: False) -> SendReport:
    """Send due messages batch after batch until none is due, the budget is spent,
    OUTBOX_RUN_SECONDS have passed or `should_stop()` says so. Safe to run in several
    processes at once. Notes an outage of the mail server (and alerts) in outbox/outage.py."""
    cfg = current_app.config
    report = SendReport()
    report.recovered = recover_expired_claims(now or utcnow())
    deadline = time.monotonic() + cfg["OUTBOX_RUN_SECONDS"]
    transport = transport_for(cfg)
    try:
        while time.monotonic() < deadline and not report.stopped:
            if should_stop():
                report.stopped = True
                break
            now = utcnow()
            token = secrets.token_hex(16)
            batch = claim_batch(now, batch_limit(cfg, now), token, cfg["OUTBOX_CLAIM_SECONDS"])
            if not batch:
                break
            report.claimed += len(batch)
            send_batch(transport, batch, token, cfg, report, should_stop)
            if report.error:
                break
    finally:
        transport.close()
    outage.note(report.error if not report.answered else None, report.answered > 0, utcnow())
    return report
