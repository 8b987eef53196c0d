"""Scripted setup (idempotent course commands), KPI snapshots and the board report."""
from __future__ import annotations

import json
from datetime import date

import time_machine
from sqlalchemy import func, select

from extensions import db
from jobs.registry import get_job
from models import KpiSnapshot, Requirement
from tests.training.conftest import local
from training import snapshots

SETUP = [
    ["training", "course", "add", "SB", "--name", "Säkert Beteende"],
    ["training", "course", "version", "SB", "--name", "Säkert Beteende 2023", "--published", "2023-09-01"],
    ["training", "course", "version", "SB", "--name", "Säkert Beteende 2024", "--published", "2024-09-15",
     "--lms-name", "SB 2024 (ny)"],
    ["training", "course", "requirement", "SB", "--name", "Alla", "--due", "2024-11-30", "--new-starter-days", "30",
     "--current-version", "Säkert Beteende 2024", "--transition", "2024-11-30"],
]


def test_course_commands_are_idempotent(runner, org):
    first = [json.loads(runner.invoke(args=a + ["--json"]).output)["result"] for a in SETUP]
    second = [json.loads(runner.invoke(args=a + ["--json"]).output)["result"] for a in SETUP]
    assert first == ["created"] * 4 and second == ["unchanged"] * 4
    listed = json.loads(runner.invoke(args=["training", "course", "list", "--json"]).output)
    assert listed[0]["versions"][1]["lms_name"] == "SB 2024 (ny)"
    changed = runner.invoke(args=SETUP[3][:-4] + ["--json"])
    assert json.loads(changed.output)["result"] == "updated"


def test_course_commands_explain_bad_input_in_english(runner, org):
    runner.invoke(args=SETUP[0])
    bad = runner.invoke(args=["training", "course", "version", "SB", "--name", "X", "--published", "15/09/2024"])
    assert bad.exit_code != 0 and "is not a date" in bad.output
    none = runner.invoke(args=["training", "course", "requirement", "SB", "--name", "R"])
    assert none.exit_code != 0 and "due date" in none.output


def test_unit_requirement_covers_only_that_subtree(runner, org, course):
    from training import facts

    runner.invoke(args=["training", "course", "requirement", "SB", "--name", "Akut", "--due", "2025-01-31",
                        "--unit", "HSF/Akut"])
    req = db.session.scalar(select(Requirement).where(Requirement.name == "Akut"))
    covered = set(facts.statuses(req, local(2025, 1, 10)))
    assert covered == {org[n].id for n in ("boss", "lead", "ann", "ben")}


def test_snapshots_are_per_unit_and_build_the_board_report(org, course, complete, client, auth):
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    for day in snapshots.quarter_ends(date(2024, 1, 1), date(2024, 12, 31)):
        snapshots.take_snapshots(snapshots.end_of_day(day), kind="quarter")
    db.session.commit()
    assert snapshots.quarter_ends(date(2024, 2, 1), date(2024, 12, 31))[0] == date(2024, 3, 31)
    report = snapshots.board_report(course["requirement"], 2024)
    assert report.days[3] == date(2024, 12, 31)
    total = report.totals[3]
    assert total.required == 9 and total.completed == 1 and total.overdue == 8
    assert report.totals[2].overdue == 0  # not yet due on 30 September
    auth.login("admin")
    page = client.get("/admin/training/report?year=2024").get_data(as_text=True)
    assert "Hälso- och sjukvårdsförvaltningen" in page and "<svg" in page and "<caption>" in page
    csv_text = client.get("/admin/training/report/export.csv?year=2024").data.decode("utf-8-sig")
    assert "Uppgifter per;2024-12-31" in csv_text


def test_snapshot_keeps_names_after_a_reorganisation(org, course):
    snapshots.take_snapshots(local(2025, 3, 31, 23), kind="quarter")
    db.session.commit()
    org["boss"].unit.name = "Akutkliniken (ny)"
    db.session.commit()
    names = set(db.session.scalars(select(KpiSnapshot.unit_name)))
    assert "Akutkliniken" in names and "Akutkliniken (ny)" not in names


def test_quarter_job_and_manual_snapshot(org, course):
    job = get_job("training.quarter_snapshot")
    assert job.trigger_args["day"] == "last" and job.trigger_args["month"] == "3,6,9,12"
    with time_machine.travel(local(2025, 6, 30, 23, 45), tick=False):
        assert "snapshots" in job.func(local(2025, 6, 30, 23, 45))
    assert db.session.scalar(select(func.count()).select_from(KpiSnapshot).where(
        KpiSnapshot.taken_on == date(2025, 6, 30), KpiSnapshot.kind == "quarter")) >= 2
