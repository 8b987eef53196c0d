"""A mail server that is down, busy (421) or hung uses up no attempts; one alert per outage.

All against the real aiosmtpd test server (tests/services.SmtpServer): a closed port, the
server greeting with 421, a server that greets too slowly for SMTP_TIMEOUT.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import time_machine
from sqlalchemy import select

from extensions import db
from models import MailOutage, OutboxMessage, utcnow
from outbox.sender import send_due
from tests.services import free_port


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def outages() -> list[MailOutage]:
    db.session.expire_all()
    return list(db.session.scalars(select(MailOutage).order_by(MailOutage.id)))


def later(minutes: float):
    return time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=True)


def unanswered(ids: list[int]) -> bool:
    return all(r.status == "queued" and r.attempts == 0 and r.claimed_by is None for r in rows() if r.id in ids)


def test_closed_port_uses_no_attempts(app, smtp, queue):
    ids = queue(3)
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    for minutes in (0, 5, 10):
        with later(minutes):
            report = send_due()
        assert report.sent == 0 and "ConnectionRefusedError" in report.error
    assert unanswered(ids)
    app.config["SMTP_PORT"] = smtp.port
    assert send_due().sent == 3 and len(smtp.wait_for(3)) == 3


def test_a_421_greeting_uses_no_attempts(app, smtp, queue):
    ids = queue(2)
    smtp.busy = True
    report = send_due()
    assert report.sent == 0 and "421" in report.error and report.unanswered == 2
    assert unanswered(ids) and all("421" in r.last_error for r in rows())
    [outage] = outages()
    assert outage.ended_at is None and "421" in outage.last_error
    smtp.busy = False
    assert send_due().sent == 2
    assert outages()[0].ended_at is not None  # the server answered: the outage is over


def test_a_421_reply_closing_the_connection_uses_no_attempt(app, smtp, queue):
    first, second, third = queue(3)
    smtp.fail_next(1, 421, "4.3.2 Shutting down", stage="MAIL")  # the server closes instead of answering
    report = send_due()
    assert report.sent == 0 and report.unanswered == 3 and "421" in report.error
    assert unanswered([first, second, third])
    assert send_due().sent == 3


def test_a_slow_server_with_a_short_timeout_uses_no_attempts(app, smtp, queue):
    ids = queue(2)
    app.config["SMTP_TIMEOUT"] = 1
    smtp.greeting_delay = 3
    report = send_due()
    assert report.sent == 0 and "timed out" in report.error.lower()
    assert unanswered(ids)
    smtp.greeting_delay = 0
    assert send_due().sent == 2


def test_an_answer_about_the_message_is_an_attempt(app, smtp, queue):
    (mid,) = queue(1)
    smtp.fail_next(1, 452, "4.2.2 Mailbox full", stage="RCPT")
    report = send_due()
    assert report.retried == 1 and report.answered == 1
    assert rows()[0].attempts == 1 and outages() == []  # the server is up: no outage


def test_messages_give_up_after_the_hours_even_when_never_answered(app, smtp, queue):
    app.config["OUTBOX_GIVE_UP_HOURS"] = 72
    old, new = queue(2)
    smtp.stop()
    send_due()  # both taken up now: the clock starts
    with later(60 * 60):
        queue(1, prefix="fresh")
    with later(72 * 60 + 1):
        report = send_due()
    states = {r.id: (r.status, r.attempts) for r in rows()}
    assert states[old] == ("failed", 0) and states[new] == ("failed", 0)
    assert [r.status for r in rows() if r.id not in (old, new)] == ["queued"]  # the fresh one goes on
    assert report.failed == 2
    assert "gave up after 72 hours without an answer from the mail server" in rows()[0].last_error


def test_one_alert_after_the_alert_minutes_and_it_goes_first_when_the_server_is_back(app, smtp, queue, caplog):
    app.config.update(ADMIN_ALERT_TO="drift@region.example, sakerhet@region.example", OUTBOX_ALERT_MINUTES=30)
    queue(3)
    smtp.stop()
    logging.getLogger("outbox.outage").disabled = False  # Alembic's fileConfig() in the migrations disables it
    caplog.set_level(logging.ERROR, logger="outbox.outage")
    for minutes in (0, 10, 29):
        with later(minutes):
            send_due()
    alerts = lambda: [r for r in rows() if r.idempotency_key.startswith("mail-outage:")]  # noqa: E731
    assert alerts() == [] and len(outages()) == 1
    for minutes in (31, 40, 60):
        with later(minutes):
            send_due()
    assert sorted(a.recipient_email for a in alerts()) == ["drift@region.example", "sakerhet@region.example"]
    assert len(outages()) == 1 and outages()[0].alerted_at is not None
    assert sum("MAIL OUTAGE" in r.getMessage() for r in caplog.records) == 1  # logged once too
    smtp.start()
    with later(61):
        report = send_due()
    assert report.sent == 5
    received = smtp.wait_for(5)
    assert {m.rcpt_tos[0] for m in received[:2]} == {"drift@region.example", "sakerhet@region.example"}
    assert "e-post har inte kunnat skickas" in received[0].subject
    assert "ConnectionRefusedError" in received[0].text()
    assert outages()[0].ended_at is not None


def test_the_alert_goes_to_the_admins_when_no_address_is_set(app, smtp, queue, make_person):
    make_person("chefadmin", roles=("admin",))
    app.config.update(ADMIN_ALERT_TO="", OUTBOX_ALERT_MINUTES=30)
    queue(1)
    smtp.busy = True
    send_due()
    with later(31):
        send_due()
    assert [r.recipient_email for r in rows() if r.idempotency_key.startswith("mail-outage:")] == [
        "chefadmin@example.se"]
