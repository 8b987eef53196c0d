"""Results per unit only with at least PULSE_MIN_GROUP answers, the trend, the chart and the export."""
from __future__ import annotations

from datetime import date

from extensions import db
from tests.pulse.conftest import OPEN_NOW


def _answer_all(pulse, people, picks, now=OPEN_NOW):
    from pulse import operations
    from pulse.rules import option_count

    for person, pick in zip(people, picks):  # `pick` for every question (the last option where there are fewer)
        operations.answer(pulse, person, {q.id: min(pick, option_count(q.kind, q.options) - 1)
                                          for q in pulse.questions}, now)
    db.session.commit()


def test_units_with_too_few_answers_are_merged(opened, region):
    from pulse import results

    akut = [region[f"akut{n}"] for n in range(5)] + [region["akutlead"]]
    norr = [region["norr0"], region["norr1"]]
    _answer_all(opened, akut + norr, [0, 0, 0, 1, 1, 1, 1, 1])
    rows = results.report(opened, "Hela regionen", "Övriga i %(unit)s")
    labels = [(r.label, r.answers) for r in rows]
    # Akut (6) is big enough, but showing it would leave "other units of HSF" at 2 (Primärvården,
    # computable as HSF − Akut), so Akut is merged as well.
    assert labels == [("Hela regionen", 8), ("Hälso- och sjukvårdsförvaltningen", 8)]
    assert all(r.answers >= 5 for r in rows[1:])
    region_q1 = rows[0].questions[0]
    assert region_q1.distribution == [3, 5, 0] and region_q1.value == 0.0  # right answer is option 3


def test_a_big_enough_unit_gets_its_own_row(opened, region, app):
    from pulse import results

    app.config["PULSE_MIN_GROUP"] = 2
    people = [region[f"akut{n}"] for n in range(5)] + [region["norr0"], region["norr1"]]
    _answer_all(opened, people, [2, 2, 2, 2, 0, 1, 2])
    rows = {r.label: r for r in results.report(opened, "Hela regionen", "Övriga i %(unit)s")}
    assert rows["Akutkliniken"].answers == 5 and rows["Akutkliniken"].questions[0].value == 80.0
    assert rows["Primärvården"].answers == 2  # Norr (level 2) is counted under its enhet at the reporting level
    assert "Vårdcentralen Norr" not in rows and "Triage" not in rows


def test_trend_compares_the_same_question_key(make_pulse, region):
    from pulse import results
    from pulse.sending import send_due

    older = make_pulse(opens_on=date(2030, 3, 3), closes_on=date(2030, 3, 14))
    send_due(OPEN_NOW.replace(year=2030))
    _answer_all(older, [region["akut0"], region["akut1"]], [0, 2], OPEN_NOW.replace(year=2030))
    newer = make_pulse()
    send_due(OPEN_NOW)
    _answer_all(newer, [region["akut0"], region["akut1"]], [2, 2])
    key, points = results.trend(newer)[0]
    assert key == "q-klass" and [(p.id, v) for p, v in points] == [(older.id, 50.0), (newer.id, 100.0)]


def test_results_page_and_export(opened, region, client, auth):
    _answer_all(opened, [region[f"akut{n}"] for n in range(5)], [2, 2, 2, 1, 1])
    auth.login("admin")
    page = client.get(f"/admin/puls/{opened.id}/resultat")
    assert page.status_code == 200 and "<svg" in page.text and "60,0\u00a0%" in page.text
    assert "60.0 %" not in page.text
    export = client.get(f"/admin/puls/{opened.id}/resultat.csv")
    assert export.status_code == 200 and "text/csv" in export.headers["Content-Type"]
    assert "Hela regionen;0;5;1;q-klass;60,0;0 | 2 | 3" in export.text
    auth.logout()
    auth.login("akut0")
    assert client.get(f"/admin/puls/{opened.id}/resultat").status_code == 403


def test_a_closed_pulse_feeds_the_quarterly_kpi(opened, region):
    from sqlalchemy import select

    from followup import kpis
    from models import Kpi

    _answer_all(opened, [region[f"akut{n}"] for n in range(4)], [2, 2, 2, 0])  # q1: 3 of 4 right, q2: 3 of 4
    kpis.ensure_standard_kpis()
    kpi = db.session.scalar(select(Kpi).where(Kpi.source == "pulse_share_right"))
    before = kpis.record_computed(kpi, date(2031, 3, 31), OPEN_NOW)  # still open on 5 March: nothing yet
    value = kpis.record_computed(kpi, date(2031, 3, 31), OPEN_NOW.replace(month=4, day=2))
    assert before is None
    assert value.value == 75.0 and value.breakdown["pulse_id"] == opened.id
