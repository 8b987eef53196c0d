"""The demo's APT materials mail their managers like the real flow: the mails (with the one-click
confirm link) are in the outbox, and the outbox writes them to the demo's mail folder."""
from __future__ import annotations

import email
from email import policy

import pytest
from sqlalchemy import func, select

from extensions import db
from tests.demo import on_demo_day


@pytest.fixture
def app_config(tmp_path):
    # Demo mode with no mail server: the outbox writes .eml files into the mail folder.
    return {"DEMO_MODE": True, "SMTP_HOST": "", "SMTP_MAX_PER_MINUTE": 0, "OUTBOX_MAIL_DIR": str(tmp_path / "mail"),
            "BASE_URL": "http://127.0.0.1:5000"}


@pytest.fixture(autouse=True)
def _demo_day():
    yield from on_demo_day()


def test_the_apt_mails_are_in_the_demo_outbox_and_mail_folder(app):
    from apt.materials import all_materials
    from demo.load import load_demo
    from demo.pulse import APT_TITLE, MANAGER, load_demo_pulse
    from models import Activity, OutboxMessage, Person
    from outbox import queries as outbox_queries
    from outbox.sender import send_due

    loaded = load_demo()["pulse"]
    activity = db.session.scalar(select(Activity).where(Activity.title == APT_TITLE))
    chef = db.session.scalar(select(Person).where(Person.username == MANAGER))
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.idempotency_key == f"apt:activity:{activity.id}:{chef.id}"))
    assert mail is not None and mail.related_type == "apt_activity"
    assert f"http://127.0.0.1:5000/apt/{activity.id}\n" in mail.body_text
    assert mail.created_at < activity.starts_at  # queued when the material went out
    for material in all_materials():  # every material (activities and published APT messages) mailed
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.related_type == f"apt_{material.kind}",
            OutboxMessage.related_id == str(material.id))) > 0, material.key
    mailed = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.idempotency_key.like("apt:%")))
    assert loaded["apt_mails"] == mailed > 10
    assert load_demo_pulse()["apt_mails"] == 0  # a second load queues nothing again

    send_due()
    db.session.refresh(mail)
    path = outbox_queries.eml_path(mail)
    assert mail.status == "sent" and path is not None
    written = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert written["To"].addresses[0].addr_spec == chef.email
    body = written.get_body(("plain",)).get_content()
    assert "Ta upp det här materialet" in body and f"/apt/{activity.id}" in body
