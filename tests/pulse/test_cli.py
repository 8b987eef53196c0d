"""`flask --app app pulse list|results`: the same figures as the pages, plain-English errors, exit codes."""
from __future__ import annotations

import json

import time_machine

from tests.pulse.conftest import OPEN_NOW
from tests.pulse.test_results import _answer_all


def test_list_shows_state_and_answer_counts(opened, region, runner):
    _answer_all(opened, [region["akut0"], region["akut1"]], [2, 2])
    with time_machine.travel(OPEN_NOW, tick=False):
        result = runner.invoke(args=["pulse", "list", "--json"])
        text = runner.invoke(args=["pulse", "list"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)["pulses"]
    assert row["id"] == opened.id and row["state"] == "open" and row["answered"] == 2 and row["asked"] > 2
    assert text.exit_code == 0 and "open" in text.output and f"2/{row['asked']} answered" in text.output


def test_results_merge_small_units_as_the_page_does(opened, region, runner):
    akut = [region[f"akut{n}"] for n in range(5)] + [region["akutlead"]]
    _answer_all(opened, akut + [region["norr0"], region["norr1"]], [2, 2, 2, 2, 1, 1, 1, 1])
    result = runner.invoke(args=["pulse", "results", str(opened.id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(r["unit"], r["answers"]) for r in data["rows"]] == [("Whole region", 8),
                                                                 ("Hälso- och sjukvårdsförvaltningen", 8)]
    assert data["rows"][0]["values"][0] == 50.0 and data["rows"][0]["distributions"][0] == [0, 4, 4]
    assert [q["key"] for q in data["questions"]] == ["q-klass", "q-usb", "q-trygg"]
    text = runner.invoke(args=["pulse", "results", str(opened.id)])
    assert "Whole region (8 answers): 50.0" in text.output and "Q1 [q-klass] (% right)" in text.output


def test_results_without_answers_say_so(opened, runner):
    result = runner.invoke(args=["pulse", "results", str(opened.id)])
    assert result.exit_code == 0 and "no answers yet" in result.output


def test_an_unknown_pulse_is_a_plain_error(app, runner):
    result = runner.invoke(args=["pulse", "results", "999"])
    assert result.exit_code == 1 and "no pulse with id 999" in result.output
    bad = runner.invoke(args=["pulse", "results", "abc"])
    assert bad.exit_code == 2 and "is not a valid integer" in bad.output
