"""Actions through the pages: the rules (postponed needs a reason, an owner must exist) and
the history of every change, shown per action with who, when, field, old → new."""
from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from models import Action, ChangeLog, Comment

BASE = "/admin/uppfoljning"


def new_action(client, rec, **data):
    fields = {"title": "Kommunikationsplan", "description": "", "owner_id": "0", "due_on": "2024-10-01",
              "status": "planned", "postponed_reason": ""}
    fields.update(data)
    return client.post(f"{BASE}/rekommendationer/{rec.id}/atgarder/ny", data=fields)


def test_postponed_needs_a_reason(client, auth, org, audit_report):
    auth.login("admin")
    response = new_action(client, audit_report[1], status="postponed")
    assert response.status_code == 400 and "Ange varför åtgärden skjuts upp." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
    assert new_action(client, audit_report[1], status="postponed", postponed_reason="Budget").status_code == 302


def test_bad_input_is_refused_in_swedish(client, auth, org, audit_report):
    auth.login("admin")
    for data, message in [({"title": ""}, "Ange en rubrik."), ({"owner_id": "99999"}, "Välj en person ur listan."),
                          ({"due_on": "2024-02-30"}, "Ange ett datum som ÅÅÅÅ-MM-DD."),
                          ({"status": "klar"}, "Välj en status ur listan.")]:
        response = new_action(client, audit_report[1], **data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), data
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_every_change_is_in_the_history_shown_on_the_action(client, auth, org, audit_report):
    auth.login("admin")
    assert new_action(client, audit_report[1], owner_id=str(org["boss"].id)).status_code == 302
    action = db.session.scalar(select(Action))
    client.post(f"{BASE}/atgarder/{action.id}/andra", data={
        "title": "Kommunikationsplan", "owner_id": str(org["lead"].id), "due_on": "2024-11-01",
        "status": "postponed", "postponed_reason": "Ny chef börjar i oktober."})
    client.post(f"{BASE}/atgarder/{action.id}/kommentarer", data={"text": "Utkastet finns på intranätet."})
    unchanged = client.post(f"{BASE}/atgarder/{action.id}/andra", data={
        "title": "Kommunikationsplan", "owner_id": str(org["lead"].id), "due_on": "2024-11-01",
        "status": "postponed", "postponed_reason": "Ny chef börjar i oktober."})
    assert unchanged.status_code == 302
    changes = db.session.scalars(select(ChangeLog).where(ChangeLog.action_id == action.id)).all()
    assert sorted(c.field for c in changes) == ["comment", "created", "due_on", "owner_id", "postponed_reason",
                                                "status"]
    assert all(c.actor_id == org["admin"].id for c in changes)
    status = next(c for c in changes if c.field == "status")
    assert (status.old_value, status.new_value) == ("planned", "postponed")
    assert db.session.scalar(select(Comment.text)) == "Utkastet finns på intranätet."
    page = client.get(f"{BASE}/atgarder/{action.id}").get_data(as_text=True)
    assert "Historik" in page and "Planerad" in page and "Uppskjuten" in page
    assert org["boss"].name in page and org["lead"].name in page  # owner old → new, as names
    assert "2024-10-01" in page and "2024-11-01" in page


def test_recommendation_remarks_are_kept_in_the_history(client, auth, org, audit_report):
    report, rec = audit_report
    auth.login("admin")
    response = client.post(f"{BASE}/rekommendationer/{rec.id}/andra",
                           data={"number": "1", "text": rec.text, "remarks": "Mäts med nyckeltal."})
    assert response.status_code == 302
    change = db.session.scalar(select(ChangeLog).where(ChangeLog.entity == "recommendation",
                                                       ChangeLog.field == "remarks"))
    assert (change.old_value, change.new_value) == ("", "Mäts med nyckeltal.")
    bad = client.post(f"{BASE}/rekommendationer/{rec.id}/andra", data={"number": "1", "text": "", "remarks": ""})
    assert bad.status_code == 400 and "Skriv rekommendationens text." in bad.get_data(as_text=True)


def test_report_titles_are_unique(client, auth, org, audit_report):
    auth.login("admin")
    response = client.post(f"{BASE}/rapporter/ny", data={"title": "Granskning av informationssäkerhet"})
    assert response.status_code == 400
    assert "Det finns redan en granskningsrapport med den rubriken." in response.get_data(as_text=True)
    assert client.post(f"{BASE}/rapporter/ny", data={"title": "Granskning 2025"}).status_code == 302
