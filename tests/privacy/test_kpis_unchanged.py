"""Pseudonymising leavers keeps their KPI contributions: snapshots and board reports taken
while they were employed read the same after retention as before."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import select

from extensions import db
from tests.privacy.conftest import NOW, utc


def _snapshot_rows():
    from models import KpiSnapshot

    return [tuple(getattr(s, c.key) for c in KpiSnapshot.__table__.columns if c.key != "id")
            for s in db.session.scalars(select(KpiSnapshot).order_by(KpiSnapshot.id))]


def test_kpi_snapshots_and_board_reports_are_identical_after_retention(runner, history):
    from directory.tree import rebuild_unit_paths
    from followup import boards
    from models import Person
    from training import snapshots

    org, req = history["org"], history["requirement"]
    ann, ben = org["ann"], org["ben"]
    # the quarter-end snapshot of 2022 Q4, while ann and ben still worked here
    rebuild_unit_paths(db.session)
    for person in (ann, ben):
        person.active = True
    db.session.commit()
    with time_machine.travel(utc(2022, 12, 31, 12), tick=False):
        assert snapshots.take_snapshots(utc(2022, 12, 31, 12), kind="quarter") > 0
    for person in (ann, ben):
        person.active = False
    db.session.commit()
    board = boards.save_board("Hälso- och sjukvårdsnämnden", [org["top"].unit_id], 4)
    db.session.commit()

    before_rows = _snapshot_rows()
    before_report = snapshots.board_report(req, 2022)
    before_board = boards.board_report(board, 2022).report
    before_trend = snapshots.trend(req)
    assert before_report.has_data and before_report.totals[3].required >= 2

    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["retention", "run", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Person, ann.id).pseudonymised_at is not None

    assert _snapshot_rows() == before_rows
    assert snapshots.board_report(req, 2022) == before_report
    assert boards.board_report(board, 2022).report == before_board
    assert snapshots.trend(req) == before_trend
    assert date(2022, 12, 31) in before_report.days
