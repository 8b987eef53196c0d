"""The follow-up's årshjul items: due dates, report dates, KPI dates; for admins only."""
from __future__ import annotations

from datetime import date

from campaign import wheel
from extensions import db
from followup import boards, kpis
from followup import operations as ops
from models import utcnow


def test_admins_see_due_dates_report_and_kpi_dates(app, client, auth, org, audit_report):
    report, rec = audit_report
    report.issued_on, report.answer_due_on = date(2024, 5, 14), date(2024, 6, 30)
    ops.create_action(rec, ops.ActionData("Infosäkkollen skickas in", due_on=date(2024, 9, 6)), org["admin"],
                      utcnow())
    boards.save_board("Hälso- och sjukvårdsnämnden", [], 9)
    kpis.ensure_standard_kpis()
    db.session.commit()
    with app.test_request_context():
        items = [i for i in wheel.collect(2024, org["admin"]) if i.category == "followup"]
        assert not [i for i in wheel.collect(2024, org["comms"]) if i.category == "followup"]
    found = {(i.start, i.label) for i in items}
    assert (date(2024, 9, 6), "Åtgärd: Infosäkkollen skickas in") in found
    assert (date(2024, 5, 14), "Granskningsrapport: Granskning av informationssäkerhet") in found
    assert (date(2024, 6, 30), "Svar till revisorerna: Granskning av informationssäkerhet") in found
    assert (date(2024, 9, 1), "Årsrapport till Hälso- och sjukvårdsnämnden") in found
    assert (date(2024, 12, 31), "Nyckeltal för uppföljningen, 2024 K4") in found
    auth.login("admin")
    page = client.get("/plan/arshjul?year=2024").get_data(as_text=True)
    assert "Uppföljning av granskningen" in page and "Infosäkkollen skickas in" in page
    auth.logout()
    auth.login("comms")
    assert "Infosäkkollen skickas in" not in client.get("/plan/arshjul?year=2024").get_data(as_text=True)
