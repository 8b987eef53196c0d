"""`flask --app app apt list|coverage|announce`: plain-English errors, exit codes, --json."""
from __future__ import annotations

import json
from datetime import date

from extensions import db
from tests.apt.conftest import NOW


def test_list_and_coverage_of_an_activity_and_a_message(apt, make_apt_message, region, runner):
    from apt import operations

    message = make_apt_message()
    operations.confirm(apt, region["units"]["akut"].id, region["akutlead"], date(2031, 10, 10), 9, NOW)
    db.session.commit()
    listed = json.loads(runner.invoke(args=["apt", "list", "--json"]).output)["materials"]
    assert {(m["key"], m["confirmed"], m["expected"]) for m in listed} == {
        (f"activity:{apt.id}", 1, 3), (f"message:{message.id}", 0, 3)}
    result = runner.invoke(args=["apt", "coverage", f"activity:{apt.id}", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["confirmed"], data["expected"], data["percent"]) == (1, 3, 33.3)
    [group] = data["groups"]
    assert group["forvaltning"] == "Hälso- och sjukvårdsförvaltningen"
    assert sorted(group["missing"]) == ["Hälso- och sjukvårdsförvaltningen", "Primärvården"]
    bare = runner.invoke(args=["apt", "coverage", str(apt.id)])  # a bare id is an activity
    assert bare.exit_code == 0 and "1 of 3 units confirmed" in bare.output and "missing: " in bare.output
    text = runner.invoke(args=["apt", "list"])
    assert f"message:{message.id}" in text.output and "0/3" in text.output


def test_unknown_or_unpublished_materials_are_plain_errors(apt, make_apt_message, runner):
    draft = make_apt_message(status="draft", sent_at=None)
    for key in ("activity:999", f"message:{draft.id}", "nonsense", "lecture:1"):
        result = runner.invoke(args=["apt", "coverage", key])
        assert result.exit_code == 1, key
        assert "no APT material" in result.output and "apt list" in result.output
    assert runner.invoke(args=["apt", "announce", "activity:999"]).exit_code == 1
