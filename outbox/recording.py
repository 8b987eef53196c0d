"""Recording what happened to each message of a batch: sent, retry later, failed, released.

Every write is one UPDATE guarded by the claim token, on its own autocommit connection
(`Recorder`), so the sender never records an outcome for a row it no longer holds.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam

from models import OutboxMessage, utcnow
from models.base import affected, table_of
from outbox.retry import gives_up, next_attempt

log = logging.getLogger(__name__)
TABLE = table_of(OutboxMessage)
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
    #: When a sender first took it up (the give-up clock starts here).
    first_attempt_at: datetime


@dataclass
class SendReport:
    """What one run of the sender did."""

    recovered: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    #: Put back without using an attempt: the server gave no answer about them.
    unanswered: int = 0
    #: Answers the server gave about messages (taken or refused): it is up.
    answered: int = 0
    #: True when the run ended early because the scheduler is stopping.
    stopped: bool = False
    error: str | None = None

    def __str__(self) -> str:
        text = (f"sent {self.sent}, retry later {self.retried}, failed {self.failed}, "
                f"released {self.released}, not answered {self.unanswered}, recovered {self.recovered}")
        if self.stopped:
            text += "; stopped"
        return f"{text}; {self.error}" if self.error else text


def _finish(conn: Connection, mail: Outgoing, token: str, status: str, *, attempts: int,
            error: str | None = None, due: datetime | None = None, sent: datetime | None = None,
            eml: str | None = None) -> bool:
    """Record one message's outcome, only if we still hold its claim; commit at once."""
    result = conn.execute(FINISH, {
        "row_id": mail.id, "token": token, "status": status, "attempts": attempts,
        "error": error[:4000] if error else None, "due": due or mail.due, "sent": sent, "eml": eml,
    })
    conn.commit()
    if not affected(result):
        log.warning("outbox message %s: claim lost before its outcome was recorded", mail.id)
    return bool(affected(result))


def _record_failure(conn: Connection, mail: Outgoing, token: str, reason: str, permanent: bool, cfg: dict,
                    report: SendReport) -> None:
    attempts, now = mail.attempts + 1, utcnow()
    report.answered += 1
    hours = cfg["OUTBOX_GIVE_UP_HOURS"]
    if gives_up(permanent, mail.first_attempt_at, now, hours):
        prefix = "" if permanent else f"gave up after {hours} hours ({attempts} attempts): "
        _finish(conn, mail, token, "failed", attempts=attempts, error=prefix + reason)
        report.failed += 1
    else:
        when = next_attempt(now, attempts, cfg["OUTBOX_RETRY_BASE_SECONDS"], cfg["OUTBOX_RETRY_MAX_SECONDS"])
        _finish(conn, mail, token, "queued", attempts=attempts, error=reason, due=when)
        report.retried += 1


def _release_unanswered(conn: Connection, batch: list[Outgoing], token: str, reason: str, cfg: dict,
                        report: SendReport) -> None:
    """The server gave no answer about these (down, 421, timeout): back to the queue, due as
    before, no attempt used, the reason noted; those past OUTBOX_GIVE_UP_HOURS fail."""
    if not batch:
        return
    hours = cfg["OUTBOX_GIVE_UP_HOURS"]
    now = utcnow()
    expired = [m.id for m in batch if gives_up(False, m.first_attempt_at, now, hours)]
    waiting = [m.id for m in batch if m.id not in set(expired)]
    mine = (TABLE.c.claimed_by == token)
    if expired:
        report.failed += conn.execute(TABLE.update().where(TABLE.c.id.in_(expired), mine).values(
            status="failed", claimed_by=None, claim_expires_at=None,
            last_error=f"gave up after {hours} hours without an answer from the mail server: {reason}"[:4000])
        ).rowcount  # type: ignore[attr-defined]  # a CursorResult
    if waiting:
        report.unanswered += conn.execute(TABLE.update().where(TABLE.c.id.in_(waiting), mine).values(
            status="queued", claimed_by=None, claim_expires_at=None,
            last_error=f"mail server gave no answer (not counted as an attempt): {reason}"[:4000])
        ).rowcount  # type: ignore[attr-defined]  # a CursorResult
    conn.commit()


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
    report.released += affected(result)


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
            self.report.answered += 1

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

    def unanswered(self, rest: list[Outgoing], reason: str) -> None:
        self.settle()
        self.report.error = reason
        self.pool.submit(_release_unanswered, self.conn, rest, self.token, reason, self.cfg, self.report).result()
