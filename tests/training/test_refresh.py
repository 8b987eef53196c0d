"""The status cache and the per-manager counts agree with the status rule."""
from __future__ import annotations

import time_machine
from sqlalchemy import select

from extensions import db
from models import PersonStatus, TeamSummary, TrainingRefresh
from training import facts, refresh
from training.status import COMPLETED, IN_PROGRESS, OVERDUE
from tests.training.conftest import local

NOW = local(2025, 1, 15)


def summary(requirement, manager, kind="all", unit_id=0):
    return db.session.get(TeamSummary, dict(requirement_id=requirement.id, manager_id=manager.id,
                                            kind=kind, unit_id=unit_id))


def cached(requirement):
    return {r.person_id: r for r in db.session.scalars(
        select(PersonStatus).where(PersonStatus.requirement_id == requirement.id))}


def test_cache_matches_the_rule_and_counts_roll_up(org, course, complete):
    req = course["requirement"]
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    complete(org["ben"], course["v2023"], local(2023, 10, 1))  # stopped counting on 30 Nov 2024
    complete(org["lead"], course["v2024"], state="in_progress")
    refresh.refresh(req, NOW)
    db.session.commit()
    rows = cached(req)
    expected = facts.statuses(req, NOW)
    assert {pid: r.state for pid, r in rows.items()} == {pid: s.state for pid, s in expected.items()}
    assert rows[org["ann"].id].state == COMPLETED and rows[org["ben"].id].state == OVERDUE
    boss_all = summary(req, org["boss"])
    assert (boss_all.required, boss_all.completed, boss_all.overdue) == (3, 1, 2)
    assert summary(req, org["boss"], "direct").required == 1  # lead
    # top's people split by the sub-units of top's unit (HSF): Akut and HSF itself.
    akut, hsf = org["boss"].unit_id, org["top"].unit_id
    assert summary(req, org["top"], "unit", akut).required == 4
    assert summary(req, org["top"], "unit", hsf).required == 2


def test_ensure_fresh_recomputes_when_the_day_changes(org, course, complete):
    req = course["requirement"]
    with time_machine.travel(local(2024, 11, 30, 18), tick=False):
        refresh.ensure_fresh(local(2024, 11, 30, 18))
        assert cached(req)[org["ann"].id].state == "not_started"
    refresh.ensure_fresh(local(2024, 12, 1, 8))
    assert cached(req)[org["ann"].id].state == OVERDUE
    assert db.session.get(TrainingRefresh, req.id).computed_for.isoformat() == "2024-12-01"


def test_writes_mark_the_cache_dirty(org, course):
    from training import operations

    req = course["requirement"]
    refresh.ensure_fresh(NOW)
    assert not db.session.get(TrainingRefresh, req.id).dirty
    operations.add_exemption(org["ann"], "Föräldraledig", local(2025, 6, 1).date(),
                             starts_on=local(2025, 1, 1).date(), by=org["admin"])
    db.session.commit()
    assert db.session.get(TrainingRefresh, req.id).dirty
    refresh.ensure_fresh(NOW)
    assert cached(req)[org["ann"].id].state == "exempt"


def test_refresh_people_gives_the_same_counts_as_a_full_refresh(org, course, complete):
    req = course["requirement"]
    refresh.ensure_fresh(NOW)
    complete(org["ann"], course["v2024"], local(2025, 1, 10))
    complete(org["carl"], course["v2024"], state=IN_PROGRESS)
    refresh.refresh_people([org["ann"].id, org["carl"].id], NOW)
    db.session.commit()
    incremental = {(s.manager_id, s.kind, s.unit_id): (s.required, s.completed, s.overdue)
                   for s in db.session.scalars(select(TeamSummary))}
    refresh.refresh(req, NOW)
    db.session.commit()
    full = {(s.manager_id, s.kind, s.unit_id): (s.required, s.completed, s.overdue)
            for s in db.session.scalars(select(TeamSummary))}
    assert {k: v for k, v in incremental.items() if v[0]} == full
    assert summary(req, org["boss"]).completed == 1
