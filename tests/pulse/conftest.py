"""Pulse fixtures: a region with a big unit (Akut, 6 people), a small one (Norr, 2), and a pulse factory."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from extensions import db

#: Noon on a day inside the pulse's open period (opens 2031-03-03, closes 2031-03-14).
OPEN_NOW = datetime(2031, 3, 5, 11, 0, tzinfo=timezone.utc)


@pytest.fixture
def region(app, make_person, make_unit):
    """HSF > (Akut > Akut/Triage, PV > PV/Norr), RS; six people in Akut (two in its section Triage), two in Norr."""
    from directory.tree import rebuild_closure, rebuild_unit_paths

    hsf = make_unit("HSF", "Hälso- och sjukvårdsförvaltningen")
    akut = make_unit("HSF/Akut", "Akutkliniken", parent=hsf)
    triage = make_unit("HSF/Akut/Triage", "Triage", parent=akut)
    pv = make_unit("HSF/PV", "Primärvården", parent=hsf)
    norr = make_unit("HSF/PV/Norr", "Vårdcentralen Norr", parent=pv)
    rs = make_unit("RS", "Regionservice")
    boss = make_person("boss", unit=hsf)
    lead = make_person("akutlead", unit=akut, manager=boss)
    akut_people = [make_person(f"akut{n}", unit=triage if n < 2 else akut, manager=lead) for n in range(5)]
    pv_lead = make_person("pvlead", unit=pv, manager=boss)
    norr_people = [make_person(f"norr{n}", unit=norr, manager=pv_lead) for n in range(2)]
    admin = make_person("admin", roles=("admin",), unit=rs)
    outsider = make_person("outsider", unit=rs)
    rebuild_closure(db.session)
    rebuild_unit_paths(db.session)
    db.session.commit()
    units = {"hsf": hsf, "akut": akut, "triage": triage, "pv": pv, "norr": norr, "rs": rs}
    people = {p.username: p for p in [boss, lead, pv_lead, admin, outsider, *akut_people, *norr_people]}
    return {"units": units, **people}


def question_specs(prefix: str = "q"):
    from pulse.rules import QuestionSpec

    return [
        QuestionSpec(key=f"{prefix}-klass", kind="choice", text_sv="Vilken klass har patientuppgifter?",
                     text_en="Which class do patient data have?", options_sv=["Öppen", "Intern", "Känslig"],
                     options_en=["Open", "Internal", "Sensitive"], correct=2,
                     explanation_sv="Patientuppgifter är alltid känsliga.", explanation_en="Always sensitive."),
        QuestionSpec(key=f"{prefix}-usb", kind="choice", text_sv="Får du använda ett okänt USB-minne?",
                     options_sv=["Ja", "Nej"], correct=1, explanation_sv="Okända USB-minnen kan bära skadlig kod."),
        QuestionSpec(key=f"{prefix}-trygg", kind="scale", text_sv="Jag vet vart jag ska vända mig vid en incident.",
                     explanation_sv="Ring IT-servicedesk dygnet runt."),
    ]


@pytest.fixture
def make_pulse(region):
    """make_pulse(audience="units", units=("hsf",)) → a pulse open 2031-03-03 .. 2031-03-14."""
    from pulse import operations
    from pulse.rules import PulseSpec

    def make(audience: str = "units", units=("hsf",), opens_on=date(2031, 3, 3), closes_on=date(2031, 3, 14),
             prefix: str = "q"):
        spec = PulseSpec(title_sv="Känner du till riktlinjerna?", title_en="Do you know the guidelines?",
                         opens_on=opens_on, closes_on=closes_on, questions=question_specs(prefix),
                         audience=audience, unit_ids=[region["units"][u].id for u in units])
        pulse = operations.create_pulse(spec, by=region["admin"])
        db.session.commit()
        return pulse

    return make


@pytest.fixture
def opened(make_pulse):
    """A pulse for HSF, opened by the job (participants and invitations written)."""
    from pulse.sending import send_due

    pulse = make_pulse()
    send_due(OPEN_NOW)
    return pulse
