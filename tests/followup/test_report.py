"""The follow-up report as of a date: exactly the actions, statuses, evidence and KPI values
that were true at the end of that day, built from the history written by the real pages
(time frozen with time_machine), and the same in the DOCX and PDF downloads."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from extensions import db
from models import Action, Kpi

BASE = "/admin/uppfoljning"


def moment(y, m, d, hour=10):
    return datetime(y, m, d, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def history(app, client, auth, org, audit_report):
    """Actions and KPI values changed over 2024 through the pages, each at its own time."""
    _report, rec = audit_report

    def post(when, url, data):
        with time_machine.travel(when, tick=False):
            auth.login("admin")
            response = client.post(url, data=data)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
            return response

    post(moment(2024, 6, 12), f"{BASE}/rekommendationer/{rec.id}/atgarder/ny", {
        "title": "Säkert Beteende blir obligatorisk", "description": "Ny version i september.",
        "owner_id": org["boss"].id, "due_on": "2024-09-15", "status": "planned"})
    course = db.session.scalar(select(Action).where(Action.title == "Säkert Beteende blir obligatorisk"))
    post(moment(2024, 8, 20), f"{BASE}/atgarder/{course.id}/andra", {
        "title": course.title, "description": "Ny version i september.", "owner_id": org["boss"].id,
        "due_on": "2024-09-30", "status": "in_progress"})
    post(moment(2024, 9, 16), f"{BASE}/atgarder/{course.id}/underlag", {
        "kind": "url", "url": "https://intranat.example/sakert-beteende", "label": "Beslut om obligatorisk kurs"})
    post(moment(2024, 10, 2), f"{BASE}/atgarder/{course.id}/andra", {
        "title": course.title, "description": "Ny version i september.", "owner_id": org["boss"].id,
        "due_on": "2024-09-30", "status": "done"})
    post(moment(2024, 11, 5), f"{BASE}/rekommendationer/{rec.id}/atgarder/ny", {
        "title": "Kommunikationsplan 2025", "owner_id": "0", "due_on": "2025-02-28", "status": "planned"})
    plan = db.session.scalar(select(Action).where(Action.title == "Kommunikationsplan 2025"))
    post(moment(2024, 12, 1), f"{BASE}/atgarder/{plan.id}/andra", {
        "title": plan.title, "owner_id": "0", "due_on": "2025-03-31", "status": "postponed",
        "postponed_reason": "Väntar på ny kommunikationschef."})
    with time_machine.travel(moment(2024, 6, 1), tick=False):
        auth.login("admin")
        client.post(f"{BASE}/nyckeltal/ny", data={"name": "Personuppgiftsincidenter", "unit": "st", "target": ""})
    kpi = db.session.scalar(select(Kpi).where(Kpi.name == "Personuppgiftsincidenter"))
    for when, end, value in [(moment(2024, 7, 3), "2024-06-30", "4"), (moment(2024, 10, 3), "2024-09-30", "6"),
                             (moment(2025, 1, 8), "2024-12-31", "3,5")]:
        post(when, f"{BASE}/nyckeltal/{kpi.id}/varden", {"period_end": end, "value": value, "target": "2"})
    return {"course": course, "plan": plan, "kpi": kpi, "url": f"{BASE}/rapporter/{_report.id}/uppfoljning"}


def page(client, auth, url: str, day: str) -> str:
    auth.login("admin")
    response = client.get(f"{url}?datum={day}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_report_as_of_dates_shows_what_was_true_then(client, auth, history, audit_report):
    report, _rec = audit_report
    from followup import report as followup_report

    def build(day):
        return followup_report.build(report, day).sections[0]

    before = build(date(2024, 6, 11))
    assert before.taken == [] and before.planned == []  # nothing created yet

    summer = build(date(2024, 7, 1))
    assert [a.title for a in summer.planned] == ["Säkert Beteende blir obligatorisk"]
    assert summer.planned[0].status == "planned" and summer.planned[0].due_on == date(2024, 9, 15)
    assert summer.planned[0].evidence == [] and summer.planned[0].owner == org_name(history)

    september = build(date(2024, 9, 30))
    line = september.planned[0]
    assert line.status == "in_progress" and line.due_on == date(2024, 9, 30)
    assert line.evidence == ["Webbadress: Beslut om obligatorisk kurs (https://intranat.example/sakert-beteende)"]
    assert september.taken == []

    november = build(date(2024, 11, 30))
    assert [a.title for a in november.taken] == ["Säkert Beteende blir obligatorisk"]
    assert november.taken[0].done_on == date(2024, 10, 2)
    assert [(a.title, a.status) for a in november.planned] == [("Kommunikationsplan 2025", "planned")]
    assert november.remarks == []

    december = build(date(2024, 12, 31))
    assert december.planned[0].status == "postponed" and december.planned[0].due_on == date(2025, 3, 31)
    assert december.remarks == ["”Kommunikationsplan 2025” är uppskjuten: Väntar på ny kommunikationschef."]


def org_name(history) -> str:
    return history["course"].owner.name


def test_kpi_table_holds_the_quarters_ended_by_the_date(client, auth, history, audit_report):
    from followup import report as followup_report

    report, _rec = audit_report
    autumn = followup_report.build(report, date(2024, 11, 30))
    assert [q.isoformat() for q in autumn.quarters] == ["2024-06-30", "2024-09-30"]
    assert [(k.name, k.values, k.target) for k in autumn.kpis] == [("Personuppgiftsincidenter", [4.0, 6.0], 2.0)]
    year_end = followup_report.build(report, date(2024, 12, 31))
    assert year_end.kpis[0].values == [4.0, 6.0, 3.5]
    assert followup_report.build(report, date(2024, 6, 29)).quarters == []


def test_printable_page_shows_the_sections_and_numbers(client, auth, history):
    html = page(client, auth, history["url"], "2024-12-31")
    for heading in ("Hittills vidtagna åtgärder", "Planerade åtgärder", "Tidplan", "Övriga synpunkter", "Nyckeltal"):
        assert heading in html
    assert "Säkert Beteende blir obligatorisk" in html and "Väntar på ny kommunikationschef." in html
    assert "3,5" in html and "2024 K4" in html
    earlier = page(client, auth, history["url"], "2024-09-30")
    assert "Kommunikationsplan 2025" not in earlier and "3,5" not in earlier and "2024 K3" in earlier


def test_bad_date_is_refused_with_a_swedish_message(client, auth, history):
    auth.login("admin")
    response = client.get(history["url"] + "?datum=2024-13-45")
    assert response.status_code == 400
    assert "Ange datumet som ÅÅÅÅ-MM-DD" in response.get_data(as_text=True)
    assert client.get(history["url"] + ".pdf?datum=igår").status_code == 400
    assert client.get(history["url"] + ".exe").status_code == 404


def test_docx_download_parses_back_with_headings_and_numbers(client, auth, history):
    from docx import Document

    auth.login("admin")
    response = client.get(history["url"] + ".docx?datum=2024-12-31")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[:1] == ["Uppföljning: Granskning av informationssäkerhet"]
    for heading in ("Rekommendation 1", "Hittills vidtagna åtgärder", "Planerade åtgärder", "Tidplan",
                    "Övriga synpunkter", "Nyckeltal"):
        assert heading in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Läget per 31 december 2024." in text
    assert "Genomförd 2 oktober 2024." in text and "31 mars 2025: Kommunikationsplan 2025 (Uppskjuten)" in text
    from models import AuditEvent

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "followup.report.export"))
    assert event.detail == {"as_of": "2024-12-31", "format": "docx"}
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table == [["Nyckeltal", "2024 K2", "2024 K3", "2024 K4", "Mål"],
                     ["Personuppgiftsincidenter", "4", "6", "3,5", "2"]]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_pdf_download_parses_back_with_headings_and_numbers(client, auth, history):
    auth.login("admin")
    response = client.get(history["url"] + ".pdf?datum=2024-09-30")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(_pdf_text(response.data).split())
    for heading in ("Hittills vidtagna åtgärder", "Planerade åtgärder", "Tidplan", "Övriga synpunkter", "Nyckeltal"):
        assert heading in text
    assert "Läget per 30 september 2024." in text
    assert "30 september 2024: Säkert Beteende blir obligatorisk (Pågår)" in text
    assert "Personuppgiftsincidenter 4 6 2" in text
    assert "Kommunikationsplan 2025" not in text and "3,5" not in text


def test_pdf_without_a_unicode_font_still_carries_swedish(app, history, audit_report):
    """The fallback when no TTF is found (make run does not need the Debian font package)."""
    from flask_babel import force_locale

    from followup import document
    from followup import report as followup_report
    from followup.pdf import render

    with force_locale("sv"):
        data = followup_report.build(audit_report[0], date(2024, 12, 31))
    pdf = render(document.blocks(data), data.title, None)
    text = " ".join(_pdf_text(pdf).split())
    assert "Övriga synpunkter" in text and "Hittills vidtagna åtgärder" in text and "Väntar på ny" in text


def test_cli_writes_the_report(app, runner, history, tmp_path):
    out = tmp_path / "svar.docx"
    result = runner.invoke(args=["followup", "report", "Granskning av informationssäkerhet", "--as-of",
                                 "2024-11-30", "--format", "docx", "--output", str(out), "--json"])
    assert result.exit_code == 0, result.output
    from docx import Document

    assert "Säkert Beteende blir obligatorisk" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    bad = runner.invoke(args=["followup", "report", "Finns inte", "--output", str(out)])
    assert bad.exit_code != 0 and "No audit report" in bad.output
