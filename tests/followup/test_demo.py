"""The follow-up demo: the audit, its two recommendations and five actions linked to the
demo's course requirement, campaign activities and plan messages; idempotent."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from extensions import db
from followup import report as followup_report
from followup.demo import load_demo_followup
from models import Action, AuditReport, Board, ChangeLog, Evidence, KpiValue
from tests.demo import on_demo_day


@pytest.fixture
def app_config():
    return {"DEMO_MODE": True}  # the demo loads only in demo mode


@pytest.fixture(autouse=True)
def _demo_day():
    yield from on_demo_day()


def test_demo_audit_with_linked_actions_loads_once(app, loaded_demo):
    result = loaded_demo
    assert result["followup"]["created"] is True
    audit = db.session.scalar(select(AuditReport))
    assert audit.title == "Granskning av informationssäkerhet"
    assert [r.text for r in audit.recommendations] == [
        "Fortsätt att följa upp arbetet med informationssäkerhet.",
        "Säkerställ att beslutade riktlinjer och rutiner blir kända i hela organisationen."]
    kinds = {a.title: sorted({e.kind for e in a.evidence}) for a in db.session.scalars(select(Action))}
    assert kinds == {
        "Säkert Beteende blir obligatorisk för all personal": ["requirement"],
        "Kommunikationsplan för informationssäkerhet": ["message"],
        "Informationssäkerhetsmånaden i oktober": ["activity"],
        "Årlig rapport om personuppgiftsincidenter till varje nämnd": [],
        "Infosäkkollen skickas in": ["url"],
    }
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 7
    assert db.session.scalar(select(func.count()).select_from(Board)) == 3
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Action, ChangeLog, KpiValue)]
    again = load_demo_followup()
    assert again == {"created": False, "boards": 0, "kpi_values": 0}
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Action, ChangeLog, KpiValue)] == counts
    # the history makes the autumn before DEMO_DAY visible as it was
    august = followup_report.build(audit, date(2026, 8, 31))
    assert [a.title for s in august.sections for a in s.taken] == []
    november = followup_report.build(audit, date(2026, 11, 30))
    assert len([a for s in november.sections for a in s.taken]) == 4
    assert november.kpis[0].name == "Andel som genomfört Säkert Beteende" and november.quarters[-1] == date(2026, 9, 30)
