"""The admins' outbox page: counts, failures with reasons, retry and cancel, demo .eml files."""
from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select, update

from extensions import db
from models import AuditEvent, OutboxMessage
from outbox.mime import calendar_alternative, ics_attachment
from outbox.sender import send_due
from tests.conftest import PASSWORD


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def set_status(mid: int, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == mid).values(**values))
    db.session.commit()


def test_only_admins_see_the_outbox(client, auth, org):
    auth.login("boss")
    assert client.get("/admin/outbox").status_code == 403
    assert client.get("/admin/outbox/1").status_code == 403
    assert client.post("/admin/outbox/1/retry").status_code == 403


def test_admin_sees_counts_and_failures_with_reasons(client, auth, org, queue):
    failed, queued, sent = queue(3)
    set_status(failed, status="failed", last_error="550 5.1.1 No such user")
    set_status(sent, status="sent")
    auth.login("admin")
    body = client.get("/admin/outbox").get_data(as_text=True)
    assert "Misslyckade: <strong>1</strong>" in body and "I kö: <strong>1</strong>" in body
    assert "Skickade: <strong>1</strong>" in body
    assert "550 5.1.1 No such user" in body and "person0@example.se" in body
    assert 'href="/admin/outbox"' in body  # in the menu
    assert "outbox.list" in audit_actions()


def test_retry_and_cancel(client, auth, org, queue, smtp):
    first, second = queue(2)
    set_status(first, status="failed", attempts=8, last_error="451 later")
    auth.login("admin")
    response = client.post(f"/admin/outbox/{first}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(OutboxMessage, first)
    assert row.status == "queued" and row.attempts == 0
    client.post(f"/admin/outbox/{second}/cancel")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, second).status == "cancelled"
    assert send_due().sent == 1 and [m.subject for m in smtp.wait_for(1)] == ["test 0"]
    response = client.post(f"/admin/outbox/{first}/cancel", follow_redirects=True)  # already sent
    assert "kan inte avbrytas" in response.get_data(as_text=True)
    assert {"outbox.retry", "outbox.cancel"} <= set(audit_actions())


def test_retry_all_failed(client, auth, org, queue):
    ids = queue(3)
    for mid in ids[:2]:
        set_status(mid, status="failed", last_error="x")
    auth.login("admin")
    response = client.post("/admin/outbox/retry-failed", follow_redirects=True)
    assert "2 misslyckade meddelanden ligger i kön igen." in response.get_data(as_text=True)
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"queued"}


def test_message_detail_is_audited(client, auth, org, queue):
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    (mid,) = queue(1, to=org["ann"], text="Hej Ann, kursen väntar.", html="<p>Hej <b>Ann</b></p>",
                   alternatives=[calendar_alternative(ics)], attachments=[ics_attachment(ics, "kurs.ics")])
    auth.login("admin")
    body = client.get(f"/admin/outbox/{mid}").get_data(as_text=True)
    assert "Hej Ann, kursen väntar." in body and "&lt;p&gt;Hej &lt;b&gt;Ann&lt;/b&gt;&lt;/p&gt;" in body
    assert "text/calendar; charset=utf-8; method=REQUEST" in body and "kurs.ics" in body
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.view")).one()
    assert event.target_id == str(mid) and event.detail == {"recipient_id": org["ann"].id}
    assert client.get("/admin/outbox/999999").status_code == 404


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def csrf_token(client, path: str) -> str:
    # The test keeps one app context open, so Flask-WTF's per-request cache in `g` would
    # hand out the token of an earlier session; drop it to get this session's token.
    g.pop("csrf_token", None)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', client.get(path).get_data(as_text=True))
    return match.group(1)


def test_actions_need_a_csrf_token(client, org, queue, csrf_on):
    (mid,) = queue(1)
    set_status(mid, status="failed")
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    token = csrf_token(client, f"/admin/outbox/{mid}")
    assert client.post(f"/admin/outbox/{mid}/retry").status_code == 400
    db.session.expire_all()
    assert db.session.get(OutboxMessage, mid).status == "failed"
    assert client.post(f"/admin/outbox/{mid}/retry", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, mid).status == "queued"


def test_demo_mode_eml_can_be_opened_and_downloaded(app, client, auth, org, queue):
    app.config["SMTP_HOST"] = ""
    (mid,) = queue(1, to=org["ann"])
    send_due()
    auth.login("admin")
    page = client.get(f"/admin/outbox/{mid}").get_data(as_text=True)
    assert f"/admin/outbox/{mid}/eml?download=1" in page and "Demoläge" in page
    shown = client.get(f"/admin/outbox/{mid}/eml")
    assert shown.mimetype == "text/plain" and "Subject: test 0" in shown.get_data(as_text=True)
    saved = client.get(f"/admin/outbox/{mid}/eml?download=1")
    assert saved.mimetype == "message/rfc822"
    assert saved.headers["Content-Disposition"] == f"attachment; filename={mid:08d}.eml"
    assert audit_actions().count("outbox.eml") == 2


def test_eml_outside_the_mail_directory_is_not_served(app, client, auth, org, queue, tmp_path):
    (tmp_path / "secret.eml").write_text("secret")
    (mid,) = queue(1)
    set_status(mid, status="sent", eml_name="../secret.eml")
    auth.login("admin")
    assert client.get(f"/admin/outbox/{mid}/eml").status_code == 404


def test_admin_sees_skipped_recipients_and_a_mail_outage(app, client, auth, org, smtp, queue):
    from outbox.operations import enqueue

    org["ben"].display_name = "Ben\r\nBcc: spy@evil.example"
    db.session.commit()
    assert enqueue("round:ben", to=org["ben"], subject="Hej", text="T", related=("reminder_round", 4)).skipped
    db.session.commit()
    queue(1)
    smtp.busy = True
    send_due()
    auth.login("admin")
    response = client.get("/admin/outbox")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mottagare som inte kunde få e-post (1)" in body
    assert "Radbrytning eller styrtecken i namn eller ämne" in body and "reminder_round 4" in body
    assert "Ben\\r\\nBcc: spy@evil.example" in body  # shown escaped, never as a raw line break
    assert "E-post har inte kunnat lämna Vaksam sedan" in body and "421" in body
    smtp.busy = False
    send_due()
    assert "E-post har inte kunnat lämna Vaksam sedan" not in client.get("/admin/outbox").get_data(as_text=True)
