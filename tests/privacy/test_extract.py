"""The register extract (art. 15): CLI and admin page, PDF and JSON, always audited; and the
person's own "what Vaksam knows about you" page."""
from __future__ import annotations

import json

from sqlalchemy import select

from extensions import db


def _events(action):
    from models import AuditEvent

    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_cli_json_extract_holds_the_persons_data_and_is_audited(runner, history):
    org = history["org"]
    result = runner.invoke(args=["people", "extract", "ben", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["person"]["username"] == "ben" and data["person"]["email"] == "ben@example.se"
    assert "password_hash" not in data["person"] and data["person"]["local_account"] is True
    sections = data["sections"]
    assert [r["state"] for r in sections["training_completion.person_id"]["rows"]] == ["completed"]
    assert sections["training_exemption.person_id"]["rows"][0]["reason"] == "Föräldraledig"
    assert "token_hash" not in sections["invite_feed_token.person_id"]["rows"][0]
    assert [r["username"] for r in sections["login_attempt"]["rows"]] == ["ben"]
    assert sections["person_ancestor.descendant_id"]["rows"]
    events = _events("person.extract")
    assert [(e.target_id, e.detail, e.actor_id) for e in events] == [(str(org["ben"].id), {"format": "json"}, None)]


def test_extract_lists_mail_texts_and_audit_events_about_the_person(runner, history):
    ann = history["org"]["ann"]
    data = json.loads(runner.invoke(args=["people", "extract", "ann"]).output)
    mails = data["sections"]["outbox_message.recipient_id"]["rows"]
    assert [m["body_text"] for m in mails] == ["Hej Ann!"] and "raw" not in mails[0]
    assert [e["action"] for e in data["sections"]["audit_about"]["rows"]] == ["person.view"]
    assert data["sections"]["training_reminder.person_id"]["rows"][0]["kind"] == "employee"
    assert data["person"]["id"] == ann.id


def test_cli_pdf_extract_is_a_pdf(runner, history, tmp_path):
    target = tmp_path / "ann.pdf"
    result = runner.invoke(args=["people", "extract", "ann", "--format", "pdf", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert len(_events("person.extract")) == 1


def test_cli_unknown_person_is_a_clear_error(runner, history):
    result = runner.invoke(args=["people", "extract", "nobody"])
    assert result.exit_code != 0 and "no person with user name 'nobody'" in result.output
    assert _events("person.extract") == []


def test_admin_extract_page_downloads_and_audits(client, auth, history):
    auth.login("admin")
    assert client.get("/admin/registerutdrag").status_code == 200
    response = client.post("/admin/registerutdrag", data={"username": "ben", "format": "pdf"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and response.headers["Cache-Control"] == "no-store"
    event = _events("person.extract")[0]
    assert event.actor_id == history["org"]["admin"].id and event.detail == {"format": "pdf"}


def test_admin_extract_page_names_an_unknown_user(client, auth, history):
    auth.login("admin")
    response = client.post("/admin/registerutdrag", data={"username": "nobody", "format": "json"})
    assert response.status_code == 400
    assert "Det finns ingen person med det användarnamnet." in response.get_data(as_text=True)


def test_extract_page_is_for_admins_only(client, auth, history):
    auth.login("carl")
    assert client.get("/admin/registerutdrag").status_code == 403
    assert client.post("/admin/registerutdrag", data={"username": "ben", "format": "json"}).status_code == 403


def test_a_person_sees_what_vaksam_knows_about_them(client, auth, history):
    auth.login("carl")
    response = client.get("/mina-uppgifter")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "carl@example.se" in page and "Anmälningar till aktiviteter" in page
    assert "ann@example.se" not in page
