"""The pulse and APT figures appear as evidence under recommendation 2 of the follow-up report:
on the page, in the DOCX (read back with python-docx) and in the PDF (text extracted), as they
stood on the report's date."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest

from extensions import db
from tests.pulse import conftest as pulse_fixtures
from tests.pulse.test_results import _answer_all

region, make_pulse, opened = pulse_fixtures.region, pulse_fixtures.make_pulse, pulse_fixtures.opened
EVIDENCE = "Underlag: kännedomsmätning och APT-kvittens"


def at(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=timezone.utc)


@pytest.fixture
def evidence(opened, region):
    """A pulse for HSF (closed 14 March 2031) answered by 8, and an APT material due 20 March 2031
    that Akutkliniken confirmed on 18 March and Primärvården on 10 April."""
    from apt import operations as apt_ops
    from followup import operations as ops
    from models import Activity, Campaign

    akut = [region[f"akut{n}"] for n in range(5)] + [region["akutlead"]]
    _answer_all(opened, akut + [region["norr0"], region["norr1"]], [2, 2, 2, 2, 1, 1, 1, 1])
    campaign = Campaign(title="Vår 2031", starts_on=date(2031, 3, 1), ends_on=date(2031, 3, 31), themes=["A"],
                        owner_id=region["admin"].id)
    activity = Activity(campaign=campaign, uid="apt-report@vaksam", title="APT: Klassa din information", theme="A",
                        kind="apt", starts_at=at(2031, 3, 2), ends_at=at(2031, 3, 20, 15),
                        organiser_id=region["admin"].id, whole_region=False, units=[region["units"]["hsf"]])
    db.session.add_all([campaign, activity])
    db.session.flush()
    apt_ops.confirm(activity, region["units"]["akut"].id, region["akutlead"], date(2031, 3, 17), 11, at(2031, 3, 18))
    apt_ops.confirm(activity, region["units"]["pv"].id, region["pvlead"], date(2031, 4, 9), None, at(2031, 4, 10))
    report = ops.save_report(ops.ReportData("Granskning av informationssäkerhet", "Revisorerna"))
    ops.save_recommendation(report, 1, "Fortsätt att följa upp arbetet.", "", region["admin"], at(2030, 6, 1))
    ops.save_recommendation(report, 2, "Säkerställ att riktlinjer och rutiner blir kända.", "", region["admin"],
                            at(2030, 6, 1))
    db.session.commit()
    return f"/admin/uppfoljning/rapporter/{report.id}/uppfoljning"


def _after(text: str, start: str, end: str | None = None) -> str:
    part = text.split(start, 1)[1]
    return part.split(end, 1)[0] if end else part


def test_the_page_shows_the_figures_under_recommendation_2(evidence, client, auth):
    auth.login("admin")
    page = client.get(evidence + "?datum=2031-03-31").get_data(as_text=True)
    assert EVIDENCE not in _after(page, "Rekommendation 1", "Rekommendation 2")
    rec2 = _after(page, "Rekommendation 2", "Nyckeltal")
    assert EVIDENCE in rec2
    assert "Kännedomsmätningen ”Känner du till riktlinjerna?” (stängde 14 mars 2031): 8 svar av 10 tillfrågade, " \
           "75\u00a0% rätt svar i hela regionen." in rec2
    assert "1. Vilken klass har patientuppgifter?" in rec2 and "50\u00a0%" in rec2 and "2,5" in rec2
    assert "APT-materialet ”APT: Klassa din information” (senast 20 mars 2031): 1 av 3 enheter (33,3\u00a0%)" in rec2
    assert "Hälso- och sjukvårdsförvaltningen" in rec2 and "1 / 3" in rec2
    later = _after(client.get(evidence + "?datum=2031-04-30").get_data(as_text=True), "Rekommendation 2")
    assert "2 av 3 enheter (66,7\u00a0%)" in later  # Primärvården confirmed in April
    before = client.get(evidence + "?datum=2031-03-10").get_data(as_text=True)
    assert EVIDENCE not in before  # neither the pulse had closed nor the APT deadline passed


def test_the_docx_carries_the_same_figures_under_recommendation_2(evidence, client, auth):
    from docx import Document

    auth.login("admin")
    response = client.get(evidence + ".docx?datum=2031-03-31")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs.index(EVIDENCE) > paragraphs.index("Rekommendation 2") > paragraphs.index("Rekommendation 1")
    text = "\n".join(paragraphs)
    assert "8 svar av 10 tillfrågade, 75\u00a0% rätt svar i hela regionen." in text
    assert "1 av 3 enheter (33,3\u00a0%) har kvitterat" in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert tables[0] == [["Fråga", "Andel rätt / medel (1–5)"], ["1. Vilken klass har patientuppgifter?", "50\u00a0%"],
                         ["2. Får du använda ett okänt USB-minne?", "100\u00a0%"],
                         ["3. Jag vet vart jag ska vända mig vid en incident.", "2,5"]]
    assert tables[1] == [["Förvaltning", "Kvitterade enheter", "Andel"],
                         ["Hälso- och sjukvårdsförvaltningen", "1 / 3", "33,3\u00a0%"]]


def test_the_pdf_carries_the_same_figures(evidence, client, auth):
    from pypdf import PdfReader

    auth.login("admin")
    response = client.get(evidence + ".pdf?datum=2031-03-31")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    rec2 = _after(text, "Rekommendation 2")
    assert EVIDENCE in rec2 and "75 % rätt svar i hela regionen" in rec2
    assert "1 av 3 enheter (33,3 %)" in rec2 and "Hälso- och sjukvårdsförvaltningen 1 / 3 33,3 %" in rec2


def test_the_recommendation_is_a_setting(evidence, client, auth, app):
    app.config["FOLLOWUP_AWARENESS_RECOMMENDATION"] = 1
    auth.login("admin")
    page = client.get(evidence + "?datum=2031-03-31").get_data(as_text=True)
    assert EVIDENCE in _after(page, "Rekommendation 1", "Rekommendation 2")
    app.config["FOLLOWUP_AWARENESS_RECOMMENDATION"] = 0
    assert EVIDENCE not in client.get(evidence + "?datum=2031-03-31").get_data(as_text=True)

