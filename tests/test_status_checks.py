"""The database itself refuses a status outside its fixed set (CHECK constraints, migration 0019)."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import DirectorySyncRun, JobRun, OutboxMessage, utcnow
from models.jobs import JOB_OUTCOMES


def test_every_known_job_outcome_is_accepted(app):
    for outcome in JOB_OUTCOMES:
        db.session.add(JobRun(job="test.job", started_at=utcnow(), outcome=outcome))
    db.session.commit()
    assert db.session.query(JobRun).count() == len(JOB_OUTCOMES)


@pytest.mark.parametrize("model, values", [
    (JobRun, {"job": "test.job", "outcome": "exploded"}),
    (DirectorySyncRun, {"outcome": "running", "trigger": "cron"}),
    (DirectorySyncRun, {"outcome": "maybe", "trigger": "cli"}),
])
def test_an_unknown_value_is_refused(app, model, values):
    with pytest.raises(IntegrityError, match=r"(?i)check"):
        db.session.execute(insert(model).values(started_at=utcnow(), **values))
    db.session.rollback()
    assert db.session.query(model).count() == 0


def test_an_update_to_an_unknown_status_is_refused(app):
    db.session.execute(insert(OutboxMessage).values(
        idempotency_key="k1", recipient_email="a@example.se", subject="s", body_text="b", raw=b"x", message_id="<m@x>",
        status="queued"))
    db.session.commit()
    with pytest.raises(IntegrityError, match=r"(?i)check"):
        db.session.execute(update(OutboxMessage).values(status="lost"))
    db.session.rollback()
    assert db.session.query(OutboxMessage.status).scalar() == "queued"
