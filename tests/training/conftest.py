"""Fixtures for the training tests: the "Säkert Beteende" course with two versions and
a requirement due 30 November 2024, and a helper to record completions."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from extensions import db

TZ = ZoneInfo("Europe/Stockholm")


def local(y, m, d, hh=12, mm=0) -> datetime:
    """A Stockholm wall-clock time as an aware UTC datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(timezone.utc)


@pytest.fixture
def course(app):
    """SB: versions 2023 and 2024; requirement for all staff due 2024-11-30, 2024 counts after that."""
    from directory.tree import rebuild_unit_paths
    from training import operations

    rebuild_unit_paths(db.session)  # the sync does this; the `org` fixture does not
    sb = operations.ensure_course("SB", "Säkert Beteende").obj
    v2023 = operations.ensure_version(sb, "Säkert Beteende 2023", date(2023, 9, 1)).obj
    v2024 = operations.ensure_version(sb, "Säkert Beteende 2024", date(2024, 9, 15)).obj
    requirement = operations.ensure_requirement(sb, operations.RequirementSpec(
        name="Säkert Beteende för alla", due_on=date(2024, 11, 30), new_starter_days=30,
        current_version_id=v2024.id, transition_on=date(2024, 11, 30),
    )).obj
    db.session.commit()
    return {"course": sb, "v2023": v2023, "v2024": v2024, "requirement": requirement}


@pytest.fixture
def complete(app):
    """complete(person, version, when=local(...), state="completed") records what the LMS said."""
    from models import Completion

    def record(person, version, when=None, state="completed"):
        row = Completion(person_id=person.id, version_id=version.id, state=state,
                         completed_at=when if state == "completed" else None, source="demo")
        db.session.add(row)
        db.session.flush()
        return row

    return record
