"""Only admins (the security unit) reach the follow-up: every route, every method."""
from __future__ import annotations

import pytest

from extensions import db
from followup import operations as ops
from models import utcnow


@pytest.fixture
def ids(app, org, audit_report):
    """One of everything, so each route has a real id to use."""
    from followup import boards, kpis

    report, rec = audit_report
    action = ops.create_action(rec, ops.ActionData("Åtgärd"), org["admin"], utcnow())
    evidence = ops.add_evidence(action, "url", None, "https://intranat.example", "", org["admin"], utcnow())
    kpis.ensure_standard_kpis()
    kpi = kpis.kpis()[0]
    board = boards.save_board("Nämnden", [], None)
    db.session.commit()
    return {"report_id": report.id, "recommendation_id": rec.id, "action_id": action.id,
            "evidence_id": evidence.id, "kpi_id": kpi.id, "board_id": board.id, "document_id": 1, "fmt": "pdf"}


def routes(app, ids):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("followup."):
            url = rule.build(dict((k, ids[k]) for k in rule.arguments), append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_there_are_routes_to_check(app, ids):
    assert len(list(routes(app, ids))) >= 30


@pytest.mark.parametrize("username", ["ann", "boss", "comms"])
def test_non_admins_get_403_everywhere(app, client, auth, org, ids, username):
    auth.login(username)
    for method, url in routes(app, ids):
        response = client.open(url, method=method, data={})
        assert response.status_code == 403, (username, method, url)


def test_anonymous_is_sent_to_login_everywhere(app, client, ids):
    for method, url in routes(app, ids):
        response = client.open(url, method=method, data={})
        assert response.status_code in (302, 401), (method, url)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_admin_can_open_every_page(app, client, auth, org, ids):
    auth.login("admin")
    for method, url in routes(app, ids):
        if method != "GET" or "/dokument/" in url:
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_menu_shows_followup_to_admins_only(client, auth, org):
    auth.login("admin")
    assert "Uppföljning av granskning" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("comms")
    assert "Uppföljning av granskning" not in client.get("/").get_data(as_text=True)
