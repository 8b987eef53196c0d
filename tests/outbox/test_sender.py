"""The sender against the real SMTP test server: batches, retries, failures, recovery, pacing."""
from __future__ import annotations

import ssl
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from extensions import db
from models import OutboxMessage, utcnow
from outbox.mime import calendar_alternative, ics_attachment
from outbox.operations import enqueue
from outbox.sender import claim_batch, send_due
from tests.services import SmtpServer, make_test_ca

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def rows() -> dict[int, OutboxMessage]:
    db.session.expire_all()
    return {m.id: m for m in db.session.scalars(select(OutboxMessage))}


def later(seconds: int):
    return time_machine.travel(utcnow() + timedelta(seconds=seconds), tick=True)


def test_batch_goes_over_one_connection_and_is_marked_sent(app, smtp, queue):
    ids = queue(5)
    report = send_due()
    assert report.sent == 5 and report.error is None
    received = smtp.wait_for(5)
    assert len({m.peer for m in received}) == 1  # one SMTP connection for the whole batch
    assert sorted(m.subject for m in received) == sorted(f"test {i}" for i in range(5))
    assert all(r.status == "sent" and r.sent_at and r.attempts == 1 and r.claimed_by is None
               for r in rows().values()) and set(rows()) == set(ids)
    assert send_due().sent == 0 and len(smtp.messages) == 5  # nothing is sent twice


def test_message_on_the_wire_has_headers_and_calendar_parts(app, smtp):
    result = enqueue("inv:1", to="anna@example.se", to_name="Anna Åberg", subject="Inbjudan: frukostmöte", text="Hej",
            html="<p>Hej</p>", alternatives=[calendar_alternative(ICS)], attachments=[ics_attachment(ICS)])
    db.session.commit()
    send_due()
    (msg,) = smtp.wait_for(1)
    assert msg.rcpt_tos == ["anna@example.se"] and msg.mail_from == "vaksam@region.example"
    assert msg.subject == "Inbjudan: frukostmöte" and "Anna Åberg" in str(msg.to)
    assert msg.message["Message-ID"] == rows()[result.message_id].message_id
    alternative = next(msg.message.iter_parts())
    calendar = [p for p in alternative.iter_parts() if p.get_content_type() == "text/calendar"][0]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_payload(decode=True) == ICS
    assert msg.attachments()[0].get_payload(decode=True) == ICS


def test_temporary_failure_then_success_is_delivered_exactly_once(app, smtp, queue):
    (mid,) = queue(1)
    smtp.fail_next(1, 451, "Try again later", stage="DATA")
    report = send_due()
    assert (report.sent, report.retried) == (0, 1)
    row = rows()[mid]
    assert row.status == "queued" and row.attempts == 1 and "451 Try again later" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff: not due yet
    assert send_due().sent == 0 and smtp.messages == []
    with later(61):
        assert send_due().sent == 1
    smtp.wait_for(1)
    time.sleep(0.2)
    assert len(smtp.messages) == 1
    row = rows()[mid]
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None


def test_backoff_grows_exponentially(app, smtp, queue):
    (mid,) = queue(1)
    delays = []
    for attempt in range(3):
        smtp.fail_next(1, 451, "Local error", stage="MAIL")
        with later(4000 * attempt):
            before = utcnow()
            send_due()
            delays.append(round((rows()[mid].next_attempt_at - before).total_seconds() / 60))
    assert delays == [1, 2, 4]


def test_permanent_failure_is_marked_failed_with_the_reason(app, smtp, queue):
    bad, good = queue(2)
    smtp.fail_next(1, 550, "5.1.1 No such user", stage="RCPT")
    report = send_due()
    assert (report.sent, report.failed) == (1, 1)
    assert rows()[bad].status == "failed" and "550 5.1.1 No such user" in rows()[bad].last_error
    assert rows()[good].status == "sent"
    with later(7200):
        assert send_due().sent == 0  # failed stays failed
    assert len(smtp.messages) == 1


def test_temporary_failures_give_up_after_the_give_up_hours_not_a_number_of_tries(app, smtp, queue):
    app.config["OUTBOX_GIVE_UP_HOURS"] = 72
    (mid,) = queue(1)
    for attempt in range(10):  # ten answers in the first ten hours: still trying
        smtp.fail_next(1, 452, "Mailbox full", stage="RCPT")
        with later(4000 * attempt):
            send_due()
    row = rows()[mid]
    assert row.status == "queued" and row.attempts == 10 and row.first_attempt_at is not None
    smtp.fail_next(1, 452, "Mailbox full", stage="RCPT")
    with later(73 * 3600):
        send_due()
    row = rows()[mid]
    assert row.status == "failed" and row.attempts == 11
    assert row.last_error == "gave up after 72 hours (11 attempts): 452 Mailbox full"


def test_server_down_keeps_messages_queued_and_sends_them_later(app, smtp, queue):
    ids = queue(3)
    smtp.stop()
    report = send_due()
    assert report.sent == 0 and "ConnectionRefusedError" in report.error and report.unanswered == 3
    # No answer about the messages: no attempt used, due as before, the reason noted.
    assert all(r.status == "queued" and r.attempts == 0 and "Refused" in r.last_error
               and "not counted as an attempt" in r.last_error for r in rows().values())
    smtp.start()
    assert send_due().sent == 3  # no backoff to wait for
    assert sorted(m.subject for m in smtp.wait_for(3)) == ["test 0", "test 1", "test 2"]
    assert {r.status for r in rows().values()} == {"sent"} and set(rows()) == set(ids)
    assert {r.attempts for r in rows().values()} == {1}


def test_server_going_down_during_a_batch(app, smtp, queue):
    app.config["SMTP_MAX_PER_MINUTE"] = 300  # 0.2 s between messages: room to stop the server
    ids = queue(6)

    def stop_after_two():
        smtp.wait_for(2, timeout=20)
        smtp.stop()

    stopper = threading.Thread(target=stop_after_two)
    stopper.start()
    report = send_due()
    stopper.join()
    assert report.sent == 2 and report.error and "connection lost" in report.error
    states = [rows()[i].status for i in ids]
    assert states[:2] == ["sent", "sent"] and set(states[2:]) == {"queued"}
    smtp.start()
    with later(3600):
        assert send_due().sent == 4
    subjects = [m.subject for m in smtp.messages]
    assert sorted(subjects) == sorted(f"test {i}" for i in range(6))  # each exactly once


def test_stuck_claim_is_recovered_after_it_expires(app, smtp, queue):
    ids = queue(2)
    now = utcnow()
    claimed = claim_batch(now, 10, "crashed-sender", claim_seconds=600)  # a sender that then died
    assert [m.id for m in claimed] == ids
    assert send_due().sent == 0  # still claimed: nobody else touches it
    with later(601):
        report = send_due()
    assert report.recovered == 2 and report.sent == 2
    assert len(smtp.wait_for(2)) == 2


def test_claims_are_exclusive(app, queue):
    queue(5)
    now = utcnow()
    first = claim_batch(now, 3, "one", 600)
    second = claim_batch(now, 10, "two", 600)
    assert len(first) == 3 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}
    assert claim_batch(now, 10, "three", 600) == []


def test_not_due_before_send_after(app, smtp):
    enqueue("later", to="a@example.se", subject="Senare", text="T", send_after=utcnow() + timedelta(hours=2))
    db.session.commit()
    assert send_due().sent == 0
    with later(2 * 3600 + 1):
        assert send_due().sent == 1


def test_sending_is_paced_to_the_rate_limit(app, smtp, queue):
    app.config["SMTP_MAX_PER_MINUTE"] = 600  # one message per 0.1 s
    queue(6)
    start = time.monotonic()
    assert send_due().sent == 6
    assert time.monotonic() - start >= 0.45


def test_minute_budget_is_shared_between_runs(app, smtp, queue):
    app.config["SMTP_MAX_PER_MINUTE"] = 3000
    queue(5)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id <= 3)
                       .values(status="sent", sent_at=utcnow()))  # as if another sender just sent them
    db.session.commit()
    app.config["SMTP_MAX_PER_MINUTE"] = 4
    assert send_due().sent == 1  # 4 a minute, 3 already gone


def test_date_is_the_time_of_sending(app, smtp):
    enqueue("later-date", to="a@example.se", subject="S", text="T", send_after=utcnow() + timedelta(days=3))
    db.session.commit()
    with later(3 * 86400 + 5):
        send_due()
        sent_at = utcnow()
    (msg,) = smtp.wait_for(1)
    assert abs((msg.message["Date"].datetime - sent_at).total_seconds()) < 60


def test_starttls_with_verified_certificate_and_auth(app, tmp_path, queue):
    ca = make_test_ca(tmp_path / "ca")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(ca["cert"], ca["key"])
    with SmtpServer(tls_context=server_ctx, require_starttls=True, auth=("vaksam", "s3cret")) as server:
        app.config.update(SMTP_PORT=server.port, SMTP_STARTTLS=True, SMTP_CA_FILE=ca["ca_cert"],
                          SMTP_USERNAME="vaksam", SMTP_PASSWORD="s3cret")
        queue(2)
        assert send_due().sent == 2
        assert len(server.wait_for(2)) == 2 and server.auth_attempts == [("vaksam", True)]


def test_starttls_refuses_an_unknown_certificate(app, tmp_path, queue):
    ca = make_test_ca(tmp_path / "ca")
    wrong = make_test_ca(tmp_path / "wrong")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(ca["cert"], ca["key"])
    with SmtpServer(tls_context=server_ctx, require_starttls=True) as server:
        app.config.update(SMTP_PORT=server.port, SMTP_STARTTLS=True, SMTP_CA_FILE=wrong["ca_cert"])
        (mid,) = queue(1)
        report = send_due()
        assert report.sent == 0 and "CERTIFICATE_VERIFY_FAILED" in report.error
        assert rows()[mid].status == "queued" and server.messages == []


def test_demo_mode_writes_eml_files_through_the_same_path(app, queue, tmp_path):
    app.config["SMTP_HOST"] = ""
    ids = queue(2, html="<p>Hej</p>")
    assert send_due().sent == 2
    for mid in ids:
        row = rows()[mid]
        assert row.status == "sent" and row.eml_name == f"{mid:08d}.eml"
        raw = (tmp_path / "mail" / row.eml_name).read_bytes()
        assert b"\r\nSubject: test" in raw and row.message_id.encode() in raw


def test_lines_starting_with_a_dot_arrive_intact(app, smtp):
    text = ".\nHej!\n..två punkter\n.\n"
    enqueue("dots", to="a@example.se", subject="Punkter", text=text)
    db.session.commit()
    send_due()
    (msg,) = smtp.wait_for(1)
    assert msg.text().replace("\r\n", "\n") == text


def test_content_waits_for_the_previous_outcome_and_is_never_sent_without_it(app, smtp):
    from outbox.mime import stamp_date
    from outbox.transport import SmtpTransport

    enqueue("one", to="a@example.se", subject="Ett", text="T")
    db.session.commit()
    raw = db.session.scalar(select(OutboxMessage.raw))
    transport = SmtpTransport(app.config)

    def database_gone():
        raise RuntimeError("could not record the previous message")

    try:
        with pytest.raises(RuntimeError):
            transport.send(stamp_date(raw, utcnow()), "vaksam@region.example", "a@example.se", 1,
                           ready=database_gone)
        time.sleep(0.3)
        assert smtp.messages == []  # the server never got the final "."
        order = []
        transport.send(stamp_date(raw, utcnow()), "vaksam@region.example", "a@example.se", 1,
                       ready=lambda: order.append(len(smtp.messages)))
        assert order == [0] and len(smtp.wait_for(1)) == 1  # ready() ran before delivery
    finally:
        transport.close()
