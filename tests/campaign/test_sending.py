"""Plan messages at their time: e-mail through the outbox to the real SMTP test server,
"publish now" tasks for other channels, and nothing sent twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from campaign import operations
from extensions import db
from jobs.registry import get_job
from jobs.runner import run_job
from models import OutboxMessage, PlanMessage, PlanTask, utcnow


@pytest.fixture
def app_config(mail_config):
    return mail_config


def at_time(message, minutes: int = 1):
    """Travel to just after the message's planned time (the clock keeps ticking)."""
    return time_machine.travel(message.planned_at + timedelta(minutes=minutes), tick=True)


def run_jobs() -> tuple[str, str]:
    """What the scheduler does: the plan poll, then the outbox sender."""
    plan = run_job(get_job("campaign.send_due"))
    mail = run_job(get_job("outbox.send"))
    assert plan.outcome == "ok" and mail.outcome == "ok", (plan.message, mail.message)
    return plan.message, mail.message


@pytest.fixture
def soon(app):
    return (utcnow() + timedelta(hours=1)).replace(microsecond=0)


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_email_goes_out_at_its_time_once_per_person(app, region, make_message, smtp, soon):
    u = region["units"]
    message = make_message("scheduled", now=utcnow(), planned_at=soon, units=[u["hsf"], u["akut"]], audience="units",
                           title="Hej {förnamn}", body="Hej {förnamn} på {enhet}! <script>x()</script>")
    run_jobs()
    assert smtp.messages == [] and outbox_count() == 0  # not before its time
    with at_time(message):
        run_jobs()
        received = smtp.wait_for(6)
    by_address = {m.rcpt_tos[0]: m for m in received}
    # HSF and Akut overlap; the leaver is not mailed; "noemail" has no address.
    assert sorted(by_address) == sorted(f"{n}@example.se" for n in ("boss", "akutlead", "anna", "axel", "pvlead", "nils"))
    assert len(received) == 6
    anna = by_address["anna@example.se"]
    assert anna.subject == "Hej Anna"
    assert "Hej Anna på Akutkliniken!" in anna.text()
    assert "Hej Anna på Akutkliniken!" in anna.html() and "<script" not in anna.html()
    keys = set(db.session.scalars(select(OutboxMessage.idempotency_key)))
    assert f"plan:{message.id}:{region['anna'].id}" in keys and len(keys) == 6
    db.session.refresh(message)
    assert message.status == "sent" and message.recipient_count == 6 and message.no_address_count == 1
    assert message.transitions[-1].to_status == "sent" and message.transitions[-1].actor_id is None
    with at_time(message, 5):
        run_jobs()
    assert len(smtp.messages) == 6 and outbox_count() == 6  # nothing sent twice


def test_a_repeated_send_after_a_crash_mails_nobody_twice(app, region, make_message, smtp, soon):
    message = make_message("scheduled", now=utcnow(), planned_at=soon, audience="units", units=[region["units"]["rs"]])
    with at_time(message):
        run_jobs()
        smtp.wait_for(3)
        # As if the message row had not been marked sent: the outbox keys stop a second round.
        db.session.execute(PlanMessage.__table__.update().where(PlanMessage.id == message.id)
                           .values(status="scheduled"))
        db.session.commit()
        run_jobs()
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["admin@example.se", "comms@example.se", "rut@example.se"]


def test_person_who_leaves_before_the_time_is_not_mailed(app, region, make_message, smtp, soon):
    message = make_message("scheduled", now=utcnow(), planned_at=soon, audience="units", units=[region["units"]["pv"]])
    region["nils"].active = False
    db.session.commit()
    with at_time(message):
        run_jobs()
        received = smtp.wait_for(1)
    assert [m.rcpt_tos[0] for m in received] == ["pvlead@example.se"]


def test_cancelling_before_the_time_stops_it(app, region, make_message, smtp, soon):
    message = make_message("scheduled", now=utcnow(), planned_at=soon)
    operations.move(message, "cancel", region["comms"], utcnow(), "Fel datum")
    db.session.commit()
    with at_time(message):
        run_jobs()
    assert smtp.messages == [] and outbox_count() == 0
    assert db.session.get(PlanMessage, message.id).status == "cancelled"


def test_editing_before_the_time_takes_effect(app, region, make_message, smtp, soon):
    comms, admin = region["comms"], region["admin"]
    message = make_message("scheduled", now=utcnow(), planned_at=soon, audience="units", units=[region["units"]["rs"]])
    data = operations.MessageData("Ny rubrik", "Ny text", message.channel, "units", soon + timedelta(hours=1),
                                  message.owner_id, [region["units"]["rs"].id])
    assert operations.update_message(message, data, comms, utcnow()) is True  # back to review
    db.session.commit()
    with at_time(message):
        run_jobs()
    assert smtp.messages == []
    for step, who in (("approve", admin), ("schedule", comms)):
        operations.move(message, step, who, utcnow())
    db.session.commit()
    with time_machine.travel(soon + timedelta(hours=1, minutes=1), tick=True):
        run_jobs()
        received = smtp.wait_for(3)
    assert {m.subject for m in received} == {"Ny rubrik"} and "Ny text" in received[0].text()


def test_other_channels_become_a_task_and_a_mail_to_the_owner(app, region, make_message, smtp, soon):
    message = make_message("scheduled", now=utcnow(), planned_at=soon, channel="intranät", title="Kampanjstart")
    with at_time(message):
        run_jobs()
        (mail,) = smtp.wait_for(1)
        run_jobs()  # a second poll makes no second task or mail
    assert mail.rcpt_tos == ["comms@example.se"] and mail.subject == "Dags att publicera: Kampanjstart"
    assert "intranät" in mail.text() and "https://vaksam.region.example/plan/uppgifter" in mail.text()
    task = db.session.scalar(select(PlanTask))
    assert task.owner_id == region["comms"].id and task.done_at is None
    assert len(smtp.messages) == 1
    with at_time(message, 10):
        assert operations.mark_published(message, region["comms"], utcnow()) is True
        db.session.commit()
    db.session.refresh(task)
    assert message.status == "published" and message.sent_at is not None and task.done_at is not None
    assert message.transitions[-1].to_status == "published"


def test_publishing_before_the_time_or_an_email_is_refused(app, region, make_message, soon):
    message = make_message("scheduled", now=utcnow(), planned_at=soon, channel="Teams")
    with pytest.raises(operations.PlanError) as error:
        operations.mark_published(message, region["comms"], utcnow())
    assert error.value.code == "not_publishable"
    email = make_message("scheduled", now=utcnow(), planned_at=soon)
    with pytest.raises(operations.PlanError) as error:
        operations.mark_published(email, region["comms"], soon + timedelta(minutes=5))
    assert error.value.code == "email_channel"


def test_missing_course_data_at_send_time_returns_it_to_review(app, region, make_message, smtp, soon, training):
    from models import Requirement

    training.require(not_done={region["anna"]})
    message = make_message("scheduled", now=utcnow(), planned_at=soon, audience="not_done")
    for requirement in db.session.scalars(select(Requirement)):
        requirement.active = False  # the requirement was switched off before the time
    db.session.commit()
    with at_time(message):
        plan, _ = run_jobs()
        (mail,) = smtp.wait_for(1)
    db.session.refresh(message)
    assert message.status == "review" and "kursuppgifter saknas" in message.transitions[-1].comment
    assert mail.rcpt_tos == ["comms@example.se"] and "skickades inte" in mail.subject
    assert "back to review" in plan


def test_not_done_audience_gets_status_and_course_link(app, region, make_message, smtp, soon, training):
    training.require(not_done={region["anna"], region["axel"]})
    message = make_message("scheduled", now=utcnow(), planned_at=soon, audience="not_done",
                           body="Status: {status}. Gör kursen: {kurslänk}")
    with at_time(message):
        run_jobs()
        received = {m.rcpt_tos[0]: m for m in smtp.wait_for(2)}
    assert set(received) == {"anna@example.se", "axel@example.se"}
    for address in received:
        assert "Status: försenad. Gör kursen: https://lms.example/kurs" in received[address].text()


def test_a_message_that_fails_is_marked_failed_and_the_later_ones_still_go_out(app, region, make_message, smtp, soon):
    """A control character in one message's title (written past the forms) fails that message only;
    a reader with a line break in the name is skipped and counted."""
    from models import OutboxSkip

    rs = region["units"]["rs"]
    bad = make_message("scheduled", now=utcnow(), planned_at=soon, audience="units", units=[rs], title="Hej\x1b[2J")
    good = make_message("scheduled", now=utcnow(), planned_at=soon + timedelta(seconds=1), audience="units",
                        units=[rs], title="Hej {förnamn}")
    region["rut"].display_name = "Rut\r\nBcc: spy@evil.example"
    db.session.commit()
    with at_time(good):
        plan, _mail = run_jobs()
        received = smtp.wait_for(2)
    assert "failed" in plan and "HeaderInjection" in plan
    assert sorted(m.rcpt_tos[0] for m in received) == ["admin@example.se", "comms@example.se"]
    db.session.refresh(bad)
    db.session.refresh(good)
    assert bad.status == "failed" and "kontrolltecken" not in bad.transitions[-1].comment
    assert bad.transitions[-1].to_status == "failed" and "control character" in bad.transitions[-1].comment
    assert good.status == "sent" and good.recipient_count == 2 and good.no_address_count == 1
    skip = db.session.scalars(select(OutboxSkip)).one()
    assert skip.reason == "invalid_header" and skip.recipient_id == region["rut"].id
    assert skip.related_type == "plan_message" and skip.related_id == str(good.id)
