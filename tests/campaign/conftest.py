"""Campaign fixtures: an org with units, planners, real course data, message factory."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from extensions import db

#: A fixed "now" for tests that do not freeze time: far enough ahead that planned times are future.
FUTURE = datetime(2031, 10, 6, 7, 0, tzinfo=timezone.utc)


@pytest.fixture
def region(app, make_person, make_unit):
    """Units HSF > (Akut, Primärvård > VC Norr), RS; people in them; a leaver; comms and admin.

    boss (HSF) manages akut_lead and pv_lead; each lead has two reports.
    """
    from directory.tree import rebuild_closure, rebuild_unit_paths

    hsf = make_unit("HSF", "Hälso- och sjukvårdsförvaltningen")
    akut = make_unit("HSF/Akut", "Akutkliniken", parent=hsf)
    pv = make_unit("HSF/PV", "Primärvården", parent=hsf)
    norr = make_unit("HSF/PV/Norr", "Vårdcentralen Norr", parent=pv)
    rs = make_unit("RS", "Regionservice")
    boss = make_person("boss", unit=hsf, given_name="Berit")
    akut_lead = make_person("akutlead", unit=akut, manager=boss)
    anna = make_person("anna", unit=akut, manager=akut_lead, given_name="Anna")
    axel = make_person("axel", unit=akut, manager=akut_lead, given_name="Axel")
    pv_lead = make_person("pvlead", unit=pv, manager=boss)
    nils = make_person("nils", unit=norr, manager=pv_lead, given_name="Nils")
    noemail = make_person("noemail", unit=norr, manager=pv_lead, email=None)
    leaver = make_person("leaver", unit=akut, manager=akut_lead, active=False)
    rut = make_person("rut", unit=rs, given_name="Rut")
    comms = make_person("comms", roles=("comms",), unit=rs, given_name="Kim")
    admin = make_person("admin", roles=("admin",), unit=rs, given_name="Åsa")
    rebuild_closure(db.session)
    rebuild_unit_paths(db.session)
    db.session.commit()
    people = {p.username: p for p in [boss, akut_lead, anna, axel, pv_lead, nils, noemail, leaver, rut, comms, admin]}
    return {"units": {"hsf": hsf, "akut": akut, "pv": pv, "norr": norr, "rs": rs}, **people}


class CourseData:
    """Real course data for the plan's "not done" audience and its placeholders: the course
    "Säkert Beteende" (link https://lms.example/kurs) required of the chosen units, due long
    before the tests' times, so whoever has not completed it is overdue ("försenad")."""

    def __init__(self, region):
        self.region = region

    def require(self, not_done, units=("hsf", "rs")) -> None:
        """Require the course of `units`; every covered active person not in `not_done` has completed it."""
        from models import Completion, Person
        from training import operations
        from training.refresh import mark_dirty

        course = operations.ensure_course("SB", "Säkert Beteende").obj
        course.url = "https://lms.example/kurs"
        version = operations.ensure_version(course, "Säkert Beteende 2024", date(2024, 9, 1)).obj
        unit_ids = tuple(self.region["units"][name].id for name in units)
        operations.ensure_requirement(course, operations.RequirementSpec(
            name="Säkert Beteende för alla", due_on=date(2024, 11, 30), audience="units", unit_ids=unit_ids,
            current_version_id=version.id))
        not_done_ids = {getattr(p, "id", p) for p in not_done}
        for person in db.session.scalars(select(Person).where(Person.active.is_(True))):
            if person.id not in not_done_ids:
                db.session.add(Completion(person_id=person.id, version_id=version.id, state="completed",
                                          completed_at=datetime(2024, 10, 1, 9, tzinfo=timezone.utc), source="demo"))
        mark_dirty()
        db.session.commit()


@pytest.fixture
def training(app, region):
    """`training.require(not_done={…}, units=(…))` sets up real course data."""
    return CourseData(region)


@pytest.fixture
def make_message(app, region):
    """Factory: make_message(status="scheduled", channel="e-post", audience="all", ...) through the real operations."""
    from campaign import operations

    def make(status: str = "draft", *, now: datetime = FUTURE, planned_at: datetime | None = None, by=None, **fields):
        by = by or region["comms"]
        data = operations.MessageData(
            title=fields.pop("title", "Hej {förnamn}"), body=fields.pop("body", "Hej {förnamn} på {enhet}!"),
            channel=fields.pop("channel", "e-post"), audience=fields.pop("audience", "all"),
            planned_at=planned_at or now + timedelta(days=1), owner_id=fields.pop("owner_id", by.id),
            unit_ids=[u.id for u in fields.pop("units", [])], campaign_id=fields.pop("campaign_id", None))
        assert not fields, fields
        message = operations.create_message(data, by, now)
        path = {"draft": [], "review": ["submit"], "approved": ["submit", "approve"],
                "scheduled": ["submit", "approve", "schedule"], "cancelled": ["cancel"]}[status]
        second = region["admin"] if by.id != region["admin"].id else region["comms"]  # four eyes
        for step in path:
            operations.move(message, step, second if step == "approve" else by, now)
        db.session.commit()
        return message

    return make
