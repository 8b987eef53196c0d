"""Pages print numbers in the page's language: Swedish "12 345", "33,3 %" (no-break spaces),
English "12,345", "33.3 %"; never the raw "12345" or a dotted "33.3" on a Swedish page.

The org (tests/conftest.py): top > boss > lead > (ann, ben); top > otherboss > carl; admin, comms.
Ann has done the course, so the boss's people (lead, ann, ben) are 33,3 % done."""
from __future__ import annotations

import re
from datetime import date

import flask_babel
import pytest
from sqlalchemy import insert

from extensions import db
from models import AuditReport, DirectorySyncRun, Kpi, KpiValue, OutboxMessage, utcnow
from tests.training.conftest import complete, course, local  # noqa: F401 (fixtures)
from training import freshness

NBSP = "\u00a0"
SV = {"share": f"33,3{NBSP}%", "target": f"90{NBSP}%", "big": f"12{NBSP}345", "kpi": f"1{NBSP}234,5",
      "queued": f"1{NBSP}234"}
EN = {"share": f"33.3{NBSP}%", "target": f"90{NBSP}%", "big": "12,345", "kpi": "1,234.5", "queued": "1,234"}


@pytest.fixture
def locale_per_request(app):
    """Every request picks its language anew, as in production (the `app` fixture keeps one app
    context, where Flask-Babel would otherwise keep the first language it saw)."""
    app.before_request_funcs.setdefault(None, []).insert(0, flask_babel.refresh)


@pytest.fixture
def numbers(org, course, complete, time_machine, locale_per_request, user_per_request):  # noqa: F811
    time_machine.move_to(local(2024, 12, 3, 10, 0), tick=False)
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    kpi = Kpi(name="Incidenter", unit="st", target=1500.0)
    db.session.add_all([kpi, AuditReport(title="Granskning 2024", auditor="Revisorerna", issued_on=date(2024, 3, 1))])
    db.session.flush()
    db.session.add(KpiValue(kpi_id=kpi.id, period_end=date(2024, 9, 30), value=1234.5, target=1500.0))
    db.session.add(DirectorySyncRun(outcome="ok", trigger="cli", finished_at=utcnow(), seconds=3.25,
                                    counts={"seen": 12345, "created": 1200, "updated": 0, "moved": 0, "missing": 0,
                                            "deactivated": 0}))
    db.session.execute(insert(OutboxMessage), [
        {"idempotency_key": f"n{i}", "recipient_email": f"p{i}@example.se", "subject": "S", "body_text": "B",
         "raw": b"", "message_id": f"<n{i}@vaksam>", "status": "queued"} for i in range(1234)])
    db.session.commit()
    freshness.run_pending(utcnow())
    return {"kpi": kpi.id, "report": db.session.query(AuditReport.id).scalar()}


def pages(numbers) -> dict[str, tuple[str, str, list[str]]]:
    """Page -> (who, URL, the formatted numbers it must show)."""
    return {
        "team": ("boss", "/training/team", ["share", "target"]),
        "region": ("admin", "/admin/training/region", ["percent"]),
        "start": ("admin", "/", ["target", "percent"]),
        "kpi": ("admin", f"/admin/uppfoljning/nyckeltal/{numbers['kpi']}", ["kpi"]),
        "kpis": ("admin", "/admin/uppfoljning/nyckeltal", ["kpi"]),
        "followup": ("admin", f"/admin/uppfoljning/rapporter/{numbers['report']}/uppfoljning?datum=2024-12-03",
                     ["kpi"]),
        "runs": ("admin", "/admin/directory/", ["big"]),
        "outbox": ("admin", "/admin/outbox?status=queued", ["queued"]),
    }


@pytest.mark.parametrize("page", ["team", "region", "start", "kpi", "kpis", "followup", "runs", "outbox"])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_pages_print_numbers_in_the_page_language(client, auth, org, numbers, page, lang):
    who, url, expected = pages(numbers)[page]
    org[who].locale = lang
    db.session.commit()
    auth.login(who)
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:500]
    assert f'<html lang="{lang}">' in text
    forms = SV if lang == "sv" else EN
    for key in expected:
        if key == "percent":  # some share with one decimal and a no-break space before the sign
            assert re.search(r"\d,\d\u00a0%" if lang == "sv" else r"\d\.\d\u00a0%", text), page
        else:
            assert forms[key] in text, (page, key, forms[key])
    for raw in ("12345", "1234.5", "1234,5", "90 %", "90,0 %"):
        assert raw not in text, (page, raw)
    wrong = r"\d\.\d\s*%|\d \d{3}\b|\d,\d{3}\b" if lang == "sv" else r"\d,\d\s*%|\d\u00a0\d{3}\b"
    shown = re.sub(r"<[^>]*>", "|", text.split("<main", 1)[-1])  # what people read: no markup, no coordinates
    assert not re.search(wrong, shown), (page, re.findall(r".{30}(?:" + wrong + r").{10}", shown))
