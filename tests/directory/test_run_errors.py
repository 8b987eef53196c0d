"""How a recorded sync run reports what its body raised, now that every directory error shares
the root DirectoryError: directory trouble is a plain failure, bad data that escaped (a DNError, a
MappingError) is still an unexpected one, logged with its traceback, and a refusal is "refused"."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from directory.dn import DNError
from directory.errors import DirectoryError
from directory.mapping import MappingError
from directory.runs import SyncRefused, run_recorded
from extensions import db
from models import DirectorySyncRun

NOW = datetime(2024, 9, 2, 2, 30, tzinfo=timezone.utc)


def _raising(error: Exception):
    def body(run):
        raise error
    return body


@pytest.mark.parametrize(("error", "outcome", "message", "logged"), [
    (DirectoryError("Cannot connect to ldap://x"), "failed", "Nothing was changed: Cannot connect to ldap://x", False),
    (SyncRefused("would deactivate 90% of the people"), "refused", "would deactivate 90% of the people", False),
    (DNError("attribute without a value in 'cn'"), "failed",
     "Nothing was changed: unexpected DNError: attribute without a value in 'cn'", True),
    (MappingError("no id"), "failed", "Nothing was changed: unexpected MappingError: no id", True),
], ids=["directory", "refused", "dn", "mapping"])
def test_a_run_reports_what_its_body_raised(app, caplog, monkeypatch, error, outcome, message, logged):
    monkeypatch.setattr(logging.getLogger("directory.runs"), "disabled", False)  # alembic's fileConfig disables it
    with caplog.at_level(logging.ERROR, logger="directory.runs"):
        result = run_recorded(NOW, _raising(error), trigger="cli")
    assert not result.ok and result.message == message
    db.session.expire_all()
    run = db.session.scalars(select(DirectorySyncRun)).one()
    assert (run.outcome, run.message) == (outcome, message)
    assert ("directory sync (cli) failed" in caplog.text) is logged
