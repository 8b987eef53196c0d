"""The sender: claim due outbox rows, send them over one connection, record each outcome.

* Claiming is atomic and stamps the rows with a random claim token (PostgreSQL:
  SELECT … FOR UPDATE SKIP LOCKED, then UPDATE; SQLite: one UPDATE, SQLite runs one
  writer at a time), so two senders never hold the same row.
* Each outcome is committed before the next message's content is sent, so a crash
  between the server accepting a message and the commit can resend that one message,
  never a batch (the commit overlaps the next message's envelope commands: `Recorder`).
* A row left "sending" by a crashed sender goes back to the queue when its claim expires.
* Sending is paced to SMTP_MAX_PER_MINUTE (0 = unlimited) and also never claims more
  than the minute's remaining budget, counted from what all senders sent.
* Messages were built when enqueued; the sender only adds the Date header.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Connection, bindparam, func, select, update

from extensions import db
from models import OutboxMessage, utcnow
from outbox.mime import envelope_sender, stamp_date
from outbox.retry import gives_up, next_attempt
from outbox.transport import ConnectFailure, DeliveryFailure, transport_for

log = logging.getLogger(__name__)
TABLE = OutboxMessage.__table__
#: One prepared statement for every outcome (plain Core: no ORM bookkeeping per message).
FINISH = (
    TABLE.update()
    .where(TABLE.c.id == bindparam("row_id"), TABLE.c.claimed_by == bindparam("token"))
    .values(status=bindparam("status"), attempts=bindparam("attempts"), last_error=bindparam("error"),
            next_attempt_at=bindparam("due"), sent_at=bindparam("sent"), eml_name=bindparam("eml"),
            claimed_by=None, claim_expires_at=None)
)


@dataclass(frozen=True)
class Outgoing:
    """A claimed row: just what sending needs."""

    id: int
    to_address: str
    raw: bytes
    attempts: int
    due: datetime


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
        select(TABLE.c.id)
        .where(TABLE.c.status == "queued", TABLE.c.next_attempt_at <= now)
        .order_by(TABLE.c.next_attempt_at, TABLE.c.id)
        .limit(limit)
    )
    claim = (TABLE.update().where(TABLE.c.status == "queued")
             .values(status="sending", claimed_by=token, claim_expires_at=now + timedelta(seconds=claim_seconds)))
    db.session.commit()  # start a fresh transaction (SQLite: no stale read snapshot before the write)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(claim.where(TABLE.c.id.in_(ids)))
    else:
        db.session.execute(claim.where(TABLE.c.id.in_(due.scalar_subquery())))
    db.session.commit()
    rows = db.session.execute(
        select(TABLE.c.id, TABLE.c.recipient_email, TABLE.c.raw, TABLE.c.attempts, TABLE.c.next_attempt_at)
        .where(TABLE.c.claimed_by == token, TABLE.c.status == "sending")
        .order_by(TABLE.c.next_attempt_at, TABLE.c.id)
    ).all()
    db.session.commit()
    return [Outgoing(r.id, r.recipient_email, bytes(r.raw), r.attempts, r.next_attempt_at) for r in rows]


def sent_in_last_minute(now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(TABLE)
        .where(TABLE.c.status == "sent", TABLE.c.sent_at > now - timedelta(seconds=60))
    )


def _finish(conn: Connection, mail: Outgoing, token: str, status: str, *, attempts: int,
            error: str | None = None, due: datetime | None = None, sent: datetime | None = None,
            eml: str | None = None) -> bool:
    """Record one message's outcome, only if we still hold its claim; commit at once."""
    result = conn.execute(FINISH, {
        "row_id": mail.id, "token": token, "status": status, "attempts": attempts,
        "error": error[:4000] if error else None, "due": due or mail.due, "sent": sent, "eml": eml,
    })
    conn.commit()
    if not result.rowcount:
        log.warning("outbox message %s: claim lost before its outcome was recorded", mail.id)
    return bool(result.rowcount)


def _record_failure(conn: Connection, mail: Outgoing, token: str, reason: str, permanent: bool, cfg: dict,
                    report: SendReport) -> None:
    attempts = mail.attempts + 1
    if gives_up(attempts, permanent, cfg["OUTBOX_MAX_ATTEMPTS"]):
        prefix = "" if permanent else f"gave up after {attempts} attempts: "
        _finish(conn, mail, token, "failed", attempts=attempts, error=prefix + reason)
        report.failed += 1
    else:
        when = next_attempt(utcnow(), attempts, cfg["OUTBOX_RETRY_BASE_SECONDS"], cfg["OUTBOX_RETRY_MAX_SECONDS"])
        _finish(conn, mail, token, "queued", attempts=attempts, error=reason, due=when)
        report.retried += 1


def _release(conn: Connection, batch: list[Outgoing], token: str, report: SendReport) -> None:
    """Give unattempted rows back to the queue unchanged (due as before)."""
    if not batch:
        return
    result = conn.execute(
        TABLE.update()
        .where(TABLE.c.id.in_([m.id for m in batch]), TABLE.c.claimed_by == token)
        .values(status="queued", claimed_by=None, claim_expires_at=None)
    )
    conn.commit()
    report.released += result.rowcount


class Recorder:
    """Writes the outcomes of a batch on one autocommit connection, from one helper thread.

    Marking message N sent (one UPDATE, its own transaction) runs while message N+1's
    MAIL, RCPT and DATA commands go to the server; N+1's content goes only after that
    commit (`settle`, called by the transport when the server waits for the content).
    So a crash still leaves at most one delivered message unrecorded.
    """

    def __init__(self, conn: Connection, pool: ThreadPoolExecutor, token: str, cfg: dict, report: SendReport):
        self.conn, self.pool, self.token, self.cfg, self.report = conn, pool, token, cfg, report
        self.pending: Future | None = None

    def settle(self) -> None:
        """Wait until the last recorded outcome is committed (raises if it could not be)."""
        pending, self.pending = self.pending, None
        if pending is not None and pending.result():
            self.report.sent += 1

    def sent(self, mail: Outgoing, eml: str | None) -> None:
        self.settle()
        self.pending = self.pool.submit(_finish, self.conn, mail, self.token, "sent", attempts=mail.attempts + 1,
                                        sent=utcnow(), eml=eml)

    def failure(self, mail: Outgoing, reason: str, permanent: bool) -> None:
        self.settle()
        self.pool.submit(_record_failure, self.conn, mail, self.token, reason, permanent, self.cfg,
                         self.report).result()

    def release(self, rest: list[Outgoing]) -> None:
        self.settle()
        self.pool.submit(_release, self.conn, rest, self.token, self.report).result()


def send_batch(transport, batch: list[Outgoing], token: str, cfg: dict, report: SendReport) -> None:
    """Send a claimed batch in order; stops early if the connection is lost or the claim runs short."""
    with (db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
          ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-db") as pool):
        recorder = Recorder(conn, pool, token, cfg, report)
        try:
            _send_batch(transport, batch, recorder, cfg)
        finally:
            recorder.settle()


def _send_batch(transport, batch: list[Outgoing], recorder: Recorder, cfg: dict) -> None:
    sender = envelope_sender(cfg["MAIL_FROM"])
    pacer = _pacer(cfg["SMTP_MAX_PER_MINUTE"])
    # Stop well before the claim expires, so recovery never resends what we are still sending.
    stop_at = time.monotonic() + cfg["OUTBOX_CLAIM_SECONDS"] - (4 * cfg["SMTP_TIMEOUT"] + 5)
    for index, mail in enumerate(batch):
        if time.monotonic() > stop_at:
            recorder.release(batch[index:])
            return
        pacer.wait()
        try:
            eml = transport.send(stamp_date(mail.raw, utcnow()), sender, mail.to_address, mail.id,
                                 ready=recorder.settle)
        except ConnectFailure as exc:
            recorder.report.error = str(exc)
            for waiting in batch[index:]:
                recorder.failure(waiting, str(exc), False)
            return
        except DeliveryFailure as exc:
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
