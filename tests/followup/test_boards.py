"""Boards (nämnder): their förvaltningar, and one yearly report per board from the KPI snapshots."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from extensions import db
from followup import boards
from followup.operations import FollowupError
from models import Board, KpiSnapshot, Unit


@pytest.fixture
def snapshots(app, org, make_unit):
    """Snapshots for two förvaltningar (HSF with Akut below it, and RS) in Q1 and Q2 2025."""
    from training import operations as training_ops

    course = training_ops.ensure_course("SB", "Säkert Beteende").obj
    req = training_ops.ensure_requirement(course, training_ops.RequirementSpec(name="Alla", due_on=date(2025, 1, 31))).obj
    rs = make_unit("RS", "Regionservice")
    hsf = db.session.scalar(select(Unit).where(Unit.key == "HSF"))
    rows = [("2025-03-31", "HSF/Akut", "HSF", "Hälso- och sjukvårdsförvaltningen", 10, 5),
            ("2025-03-31", "HSF", "HSF", "Hälso- och sjukvårdsförvaltningen", 10, 3),
            ("2025-03-31", "RS", "RS", "Regionservice", 10, 9),
            ("2025-06-30", "HSF/Akut", "HSF", "Hälso- och sjukvårdsförvaltningen", 10, 8),
            ("2025-06-30", "RS", "RS", "Regionservice", 10, 10)]
    for day, key, top, top_name, required, completed in rows:
        db.session.add(KpiSnapshot(taken_on=date.fromisoformat(day), kind="quarter", requirement_id=req.id,
                                   unit_key=key, unit_name=key, top_unit_key=top, top_unit_name=top_name,
                                   completed=completed, not_started=required - completed))
    db.session.commit()
    return {"hsf": hsf, "rs": rs}


def test_each_board_gets_its_own_forvaltningar(app, snapshots):
    health = boards.save_board("Hälso- och sjukvårdsnämnden", [snapshots["hsf"].id], 9)
    board = boards.save_board("Regionstyrelsen", [snapshots["rs"].id], 9)
    db.session.commit()
    report = boards.board_report(health, 2025).report
    assert [name for name, _cells in report.rows] == ["Hälso- och sjukvårdsförvaltningen"]
    q1, q2 = report.rows[0][1][0], report.rows[0][1][1]
    assert (q1.required, q1.completed, q1.percent) == (20, 8, 40.0)
    assert (q2.required, q2.completed) == (10, 8)
    other = boards.board_report(board, 2025).report
    assert [name for name, _c in other.rows] == ["Regionservice"] and other.totals[1].percent == 100.0


def test_a_forvaltning_belongs_to_one_board(app, snapshots, org):
    boards.save_board("A", [snapshots["hsf"].id], None)
    with pytest.raises(FollowupError) as taken:
        boards.save_board("B", [snapshots["hsf"].id], None)
    assert taken.value.code == "unit_taken"
    akut = db.session.scalar(select(Unit).where(Unit.key == "HSF/Akut"))
    with pytest.raises(FollowupError) as below:
        boards.save_board("C", [akut.id], None)
    assert below.value.code == "not_top_unit"


def test_board_pages(app, client, auth, snapshots):
    auth.login("admin")
    response = client.post("/admin/uppfoljning/namnder/ny", data={
        "name": "Hälso- och sjukvårdsnämnden", "unit_ids": [str(snapshots["hsf"].id)], "report_month": "9"})
    assert response.status_code == 302
    board = db.session.scalar(select(Board))
    assert [u.key for u in board.units] == ["HSF"] and board.report_month == 9
    page = client.get(f"/admin/uppfoljning/namnder/{board.id}/rapport?year=2025").get_data(as_text=True)
    assert "Årsrapport 2025 till Hälso- och sjukvårdsnämnden" in page
    assert "40,0\u00a0%" in page and "80,0\u00a0%" in page and "Regionservice" not in page
    bad = client.post("/admin/uppfoljning/namnder/ny", data={"name": "X", "unit_ids": ["99999"], "report_month": "0"})
    assert bad.status_code == 400 and "Välj förvaltningar ur listan." in bad.get_data(as_text=True)
