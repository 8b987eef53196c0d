"""Tables other packages add are handled by name (privacy/shared.py). Until they are in this
branch's schema, this test makes minimal stand-ins with the columns retention relies on, runs
retention, and removes them again; once a package's real table exists, the real one is used."""
from __future__ import annotations

import json

import pytest
import time_machine
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    insert,
    select,
)

from extensions import db
from tests.privacy.conftest import NOW, utc

STAND_INS = {
    "person_address": lambda meta: Table("person_address", meta, Column("id", Integer, primary_key=True),
                                         Column("person_id", ForeignKey("person.id")), Column("address", String(320))),
    "invite_reply": lambda meta: Table("invite_reply", meta, Column("id", Integer, primary_key=True),
                                       Column("activity_id", ForeignKey("campaign_activity.id")),
                                       Column("person_id", ForeignKey("person.id")),
                                       Column("received_at", DateTime(timezone=True))),
    "outbox_skip": lambda meta: Table("outbox_skip", meta, Column("id", Integer, primary_key=True),
                                      Column("recipient_id", ForeignKey("person.id")), Column("detail", String(400)),
                                      Column("created_at", DateTime(timezone=True))),
    "user_session": lambda meta: Table("user_session", meta, Column("id", Integer, primary_key=True),
                                       Column("person_id", ForeignKey("person.id")),
                                       Column("expires_at", DateTime(timezone=True))),
}


@pytest.fixture
def shared(history):
    made = [STAND_INS[name](db.metadata) for name in STAND_INS if name not in db.metadata.tables]
    for table in made:
        table.create(db.engine)
    yield {name: db.metadata.tables[name] for name in STAND_INS}
    db.session.rollback()
    for table in made:
        table.drop(db.engine)
        db.metadata.remove(table)


def _ids(table):
    return sorted(db.session.scalars(select(table.c.id)))


def _rows(table, rows):
    """Rows for a stand-in or the real table: real UTC columns get aware times, required columns a value."""
    from sqlalchemy import LargeBinary

    from models import UTCDateTime

    rows = [{key: value for key, value in row.items() if key in table.c} for row in rows]
    for row in rows:
        for column in table.c:
            value = row.get(column.name)
            if hasattr(value, "tzinfo") and not isinstance(column.type, UTCDateTime) \
                    and db.engine.dialect.name == "sqlite":
                row[column.name] = value.replace(tzinfo=None)
            if column.name not in row and not column.nullable and not column.primary_key \
                    and column.default is None and column.server_default is None:
                row[column.name] = ("applied" if isinstance(column.type, String)
                                    else b"" if isinstance(column.type, LargeBinary) else 0)
    return rows


def test_rows_in_other_packages_tables_follow_the_rules(runner, history, shared):
    org = history["org"]
    ann, ben, carl = org["ann"], org["ben"], org["carl"]
    due_activity, kept_activity = history["registration_due"].activity_id, history["registration_kept"].activity_id
    addresses, replies, sessions = shared["person_address"], shared["invite_reply"], shared["user_session"]
    skips = shared["outbox_skip"]
    db.session.execute(insert(skips), _rows(skips, [
        {"id": 1, "recipient_id": carl.id, "detail": "carl at example", "created_at": utc(2025, 1, 10),
         "idempotency_key": "skip-old", "reason": "no_address"},
        {"id": 2, "recipient_id": carl.id, "detail": "carl at example", "created_at": utc(2025, 6, 20),
         "idempotency_key": "skip-new", "reason": "no_address"}]))
    db.session.execute(insert(addresses), _rows(addresses, [
        {"id": 1, "person_id": ann.id, "address": "ann.privat@example.se"},
        {"id": 2, "person_id": ben.id, "address": "ben.privat@example.se"}]))
    db.session.execute(insert(replies), _rows(replies, [
        {"id": 1, "activity_id": due_activity, "person_id": carl.id, "received_at": utc(2024, 10, 1)},
        {"id": 2, "activity_id": kept_activity, "person_id": carl.id, "received_at": utc(2025, 3, 1)},
        {"id": 3, "activity_id": None, "person_id": None, "received_at": utc(2024, 5, 1)},
        {"id": 4, "activity_id": None, "person_id": None, "received_at": utc(2025, 5, 1)}]))
    db.session.execute(insert(sessions), _rows(sessions, [
        {"id": 1, "person_id": carl.id, "expires_at": utc(2025, 5, 1), "session_key": "k1"},
        {"id": 2, "person_id": carl.id, "expires_at": utc(2025, 6, 30), "session_key": "k2"}]))
    db.session.commit()

    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["retention", "run", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)["categories"]
    assert counts["sessions"] == {"due": 1, "done": 1}
    assert counts["activity_replies"] == {"due": 4, "done": 4}  # registration, attendee, two replies
    assert _ids(addresses) == [2]
    assert _ids(replies) == [2, 4]
    assert _ids(sessions) == [2]
    assert dict(db.session.execute(select(skips.c.id, skips.c.detail)).all()) == {1: "", 2: "carl at example"}
    assert counts["mail_content"] == {"due": 2, "done": 2}  # the history's mail and the old skip

    extract = json.loads(runner.invoke(args=["people", "extract", "carl"]).output)["sections"]
    assert [r["id"] for r in extract["invite_reply.person_id"]["rows"]] == [2]
    assert [r["id"] for r in extract["user_session.person_id"]["rows"]] == [2]
