"""Who a message reaches: leavers, overlapping units, managers, people not done with the course."""
from __future__ import annotations

import pytest

from campaign.audience import TrainingUnavailable, resolve, training_values
from directory.tree import unit_ids_below
from extensions import db
from tests.campaign.conftest import FUTURE


def names(people) -> list[str]:
    return sorted(p.username for p in people)


def test_all_staff_leaves_out_people_who_left(app, region):
    people = names(resolve("all", [], FUTURE))
    assert "leaver" not in people
    assert people == sorted(["boss", "akutlead", "anna", "axel", "pvlead", "nils", "noemail", "rut", "comms", "admin"])


def test_units_include_their_subtrees(app, region):
    u = region["units"]
    assert unit_ids_below([u["pv"].id]) == {u["pv"].id, u["norr"].id}
    assert names(resolve("units", [u["pv"].id], FUTURE)) == ["nils", "noemail", "pvlead"]


def test_overlapping_units_give_each_person_once(app, region):
    u = region["units"]
    people = resolve("units", [u["hsf"].id, u["akut"].id, u["norr"].id], FUTURE)
    assert len(people) == len({p.id for p in people})
    assert names(people) == ["akutlead", "anna", "axel", "boss", "nils", "noemail", "pvlead"]


def test_someone_who_leaves_after_planning_is_not_included(app, region):
    u = region["units"]
    region["anna"].active = False
    db.session.commit()
    assert "anna" not in names(resolve("units", [u["akut"].id], FUTURE))


def test_managers_only_and_narrowed_to_units(app, region):
    assert names(resolve("managers", [], FUTURE)) == ["akutlead", "boss", "pvlead"]
    assert names(resolve("managers", [region["units"]["pv"].id], FUTURE)) == ["pvlead"]


def test_empty_unit_list_means_nobody(app, region):
    assert resolve("units", [], FUTURE) == []


def test_not_done_without_an_active_requirement_is_a_clear_error(app, region):
    with pytest.raises(TrainingUnavailable, match="no mandatory course is required"):
        resolve("not_done", [], FUTURE)


def test_not_done_comes_from_the_course_data_and_skips_leavers(app, region, training):
    training.require(not_done={region["anna"], region["nils"], region["leaver"]})
    assert names(resolve("not_done", [], FUTURE)) == ["anna", "nils"]
    assert names(resolve("not_done", [region["units"]["pv"].id], FUTURE)) == ["nils"]


def test_status_and_course_link_have_safe_defaults(app, region, training):
    app.config["COURSE_URL"] = "https://kurs.example/sakert-beteende"
    training.require(not_done={region["anna"]}, units=("akut",))  # nils is not covered
    assert training_values(region["anna"], FUTURE, "okänd") == {
        "status": "försenad", "kurslänk": "https://lms.example/kurs"}
    assert training_values(region["nils"], FUTURE, "okänd") == {
        "status": "okänd", "kurslänk": "https://kurs.example/sakert-beteende"}
