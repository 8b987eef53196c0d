"""The sender's poll is served by the partial index on queued rows, whatever the history."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, text

from extensions import db
from models import OutboxMessage, utcnow

POLL = ("SELECT id FROM outbox_message WHERE status = 'queued' AND next_attempt_at <= :now "
        "ORDER BY next_attempt_at, id LIMIT 100")
FAILED = "SELECT id FROM outbox_message WHERE status = 'failed' ORDER BY id DESC LIMIT 50"


def plan(sql: str, **params) -> str:
    if db.engine.dialect.name == "postgresql":
        lines = db.session.scalars(text("EXPLAIN " + sql), params)
    else:
        params = {k: v.replace(tzinfo=None) for k, v in params.items()}
        lines = (str(r[-1]) for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql), params))
    result = "\n".join(lines)
    db.session.rollback()
    return result


def test_poll_uses_the_partial_due_index(app):
    now = utcnow()
    status = lambda i: "queued" if i % 100 == 0 else "failed" if i % 100 == 1 else "sent"  # noqa: E731
    rows = [{"idempotency_key": f"k{i}", "status": status(i), "recipient_email": "a@example.se",
             "recipient_name": "", "subject": "s", "body_text": "t", "raw": b"x", "message_id": f"<{i}@example.se>",
             "attempts": 1, "next_attempt_at": now - timedelta(seconds=i), "created_at": now}
            for i in range(20_000)]  # a long history: mostly sent, a few waiting or failed
    db.session.execute(insert(OutboxMessage), rows)
    db.session.commit()
    # What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) leaves the planner with.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE outbox_message" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
    assert "ix_outbox_message_due" in plan(POLL, now=now)
    if db.engine.dialect.name == "postgresql":  # SQLite cannot match "status <> 'queued'" to "= 'failed'"
        assert "ix_outbox_message_status" in plan(FAILED)
