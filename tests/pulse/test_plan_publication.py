"""A pulse planned as a plan item is the item's publication: at the item's time the plan's job marks
it published (no "publish now" task, no mail to the owner); with no pulse linked yet the owner is
asked to create or link one, and linking it publishes the item. The calendar and the årshjul link
the item to its pulse with the pulse's days. Through the real jobs, outbox and SMTP test server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from extensions import db
from jobs.registry import get_job
from jobs.runner import run_job

#: The item's planned time: the morning the pulse of `make_pulse` opens (2031-03-03).
PLANNED = datetime(2031, 3, 3, 7, tzinfo=timezone.utc)
PUBLICATION = "Kännedomsmätningen ”Känner du till riktlinjerna?” är publiceringen: den öppnar 3 mars 2031"


@pytest.fixture
def app_config(mail_config):
    return mail_config


@pytest.fixture
def quiz_item(region):
    """A scheduled plan item on the quiz channel (owner: the admin)."""
    from models import PlanMessage

    def make(channel: str = "quiz", title: str = "Kännedomsmätning våren 2031"):
        message = PlanMessage(title=title, body="", channel=channel, audience="all", planned_at=PLANNED,
                              owner_id=region["admin"].id, status="scheduled")
        db.session.add(message)
        db.session.commit()
        return message

    return make


def run_plan_and_outbox() -> str:
    plan = run_job(get_job("campaign.send_due"))
    mail = run_job(get_job("outbox.send"))
    assert plan.outcome == "ok" and mail.outcome == "ok", (plan.message, mail.message)
    return plan.message


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_linked_pulse_is_the_publication_with_no_task_and_no_mail(make_pulse, quiz_item, smtp):
    from models import OutboxMessage, PlanTask
    from pulse import planning

    message, pulse = quiz_item(), make_pulse()
    planning.link(pulse, message, PLANNED - timedelta(days=7))
    db.session.commit()
    assert message.status == "scheduled"  # linked before its time: nothing happens yet
    with time_machine.travel(PLANNED + timedelta(minutes=1), tick=True):
        summary = run_plan_and_outbox()
        run_plan_and_outbox()  # a second poll changes nothing
    db.session.refresh(message)
    assert message.status == "published" and message.sent_at is not None
    last = message.transitions[-1]
    assert last.to_status == "published" and last.actor_id is None and last.comment.startswith(PUBLICATION)
    assert "published by their own flow 1" in summary and "tasks 0" in summary
    assert count(PlanTask) == 0 and count(OutboxMessage) == 0 and smtp.messages == []


def test_other_channels_still_get_their_task_in_the_same_poll(make_pulse, quiz_item, smtp):
    from models import PlanTask
    from pulse import planning

    message, intranet = quiz_item(), quiz_item(channel="intranät", title="Intranätsnytt")
    planning.link(make_pulse(), message, PLANNED - timedelta(days=7))
    db.session.commit()
    with time_machine.travel(PLANNED + timedelta(minutes=1), tick=True):
        run_plan_and_outbox()
        (mail,) = smtp.wait_for(1)
    assert mail.subject == "Dags att publicera: Intranätsnytt"
    assert [t.message_id for t in db.session.scalars(select(PlanTask))] == [intranet.id]


def test_without_a_pulse_the_owner_is_asked_to_create_or_link_one(make_pulse, quiz_item, smtp, client, auth):
    from models import PlanTask

    message = quiz_item()
    with time_machine.travel(PLANNED + timedelta(minutes=1), tick=True):
        run_plan_and_outbox()
        (mail,) = smtp.wait_for(1)
    assert mail.rcpt_tos == ["admin@example.se"]
    assert mail.subject == "Dags att skapa kännedomsmätningen: Kännedomsmätning våren 2031"
    assert "ingen mätning är kopplad" in mail.text() and "Publicera det" not in mail.text()
    assert f"https://vaksam.region.example/plan/{message.id}\r\n" in mail.text()
    task = db.session.scalar(select(PlanTask))
    assert task.message_id == message.id and task.done_at is None
    db.session.refresh(message)
    assert message.status == "scheduled"
    pulse = make_pulse()
    with time_machine.travel(PLANNED + timedelta(hours=2), tick=True):
        auth.login("admin")
        client.post("/admin/puls/planera", data={"message_id": message.id, "pulse_id": pulse.id})
    db.session.expire_all()
    assert message.status == "published" and task.done_at is not None
    assert message.transitions[-1].comment.startswith(PUBLICATION)
    assert len(smtp.messages) == 1  # no second mail to the owner


def test_the_calendar_and_the_wheel_link_the_item_to_its_pulse_with_its_days(
        make_pulse, quiz_item, region, make_person, client, auth):
    from pulse import planning

    message, pulse = quiz_item(), make_pulse()
    planning.link(pulse, message, PLANNED - timedelta(days=7))
    make_person("comms", roles=("comms",), unit=region["units"]["rs"])
    db.session.commit()
    days = "kännedomsmätning 3 mars 2031–14 mars 2031"
    auth.login("admin")  # may see the pulse: the entries lead to it
    for page in (client.get("/plan/kalender?month=2031-03").text, client.get("/plan/arshjul?year=2031").text):
        assert f'href="/admin/puls/{pulse.id}"' in page and f'href="/plan/{message.id}"' not in page
        assert days in page and "Kännedomsmätning våren 2031" in page
    auth.logout()
    auth.login("comms")  # a planner who may not see pulses: the message page, with the days
    for page in (client.get("/plan/kalender?month=2031-03").text, client.get("/plan/arshjul?year=2031").text):
        assert f'href="/plan/{message.id}"' in page and "/admin/puls/" not in page
        assert days in page


def test_a_failing_receiver_costs_no_other_message_and_no_page(make_pulse, quiz_item, smtp, client, auth, caplog,
                                                               monkeypatch):
    import logging

    import signals
    from models import PlanTask
    from pulse import planning

    def broken(_sender, **_kwargs):
        raise RuntimeError("receiver bug")

    message, intranet = quiz_item(), quiz_item(channel="intranät", title="Intranätsnytt")
    planning.link(make_pulse(), message, PLANNED - timedelta(days=7))
    db.session.commit()
    monkeypatch.setattr(logging.getLogger("campaign.claims"), "disabled", False)  # alembic's fileConfig disables it
    signals.plan_message_due.connect(broken)
    signals.plan_messages_listed.connect(broken)
    try:
        with time_machine.travel(PLANNED + timedelta(minutes=1), tick=True):
            run_plan_and_outbox()  # asserts the job's outcome is "ok"
        auth.login("admin")
        assert client.get("/plan/kalender?month=2031-03").status_code == 200
        assert client.get("/plan/arshjul?year=2031").status_code == 200
    finally:
        signals.plan_message_due.disconnect(broken)
        signals.plan_messages_listed.disconnect(broken)
    tasks = {t.message_id for t in db.session.scalars(select(PlanTask))}
    assert intranet.id in tasks
    db.session.refresh(message)
    assert message.status in ("published", "scheduled") and message.status != "failed"
    assert "receiver bug" in caplog.text
