"""A pulse planned as a communication-plan item (channel "quiz"): created or linked from the plan,
shown in the calendar and årshjul with the rest, and the plan item and the pulse link each other."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from extensions import db


@pytest.fixture
def quiz_item(region):
    from models import PlanMessage

    def make(channel: str = "quiz", title: str = "Kännedomsmätning våren 2031"):
        message = PlanMessage(title=title, body="", channel=channel, audience="all",
                              planned_at=datetime(2031, 4, 1, 7, tzinfo=timezone.utc), owner_id=region["admin"].id,
                              status="draft")
        db.session.add(message)
        db.session.commit()
        return message

    return make


def pulse_form(title: str = "Vårens mätning") -> dict:
    data = {"title_sv": title, "audience": "all", "opens_on": "2031-04-01", "closes_on": "2031-04-10"}
    for n in range(3):
        data.update({f"questions-{n}-key": f"k{n}", f"questions-{n}-kind": "choice",
                     f"questions-{n}-text_sv": f"Fråga {n}?", f"questions-{n}-options_sv": "Ja\nNej",
                     f"questions-{n}-correct": "1"})
    return data


def test_a_pulse_created_from_the_plan_item_and_the_item_link_each_other(quiz_item, region, client, auth):
    from models.pulse import Pulse

    message = quiz_item()
    auth.login("admin")
    page = client.get(f"/plan/{message.id}").text
    assert "Skapa kännedomsmätning" in page and f"/admin/puls/ny?plan={message.id}" in page
    form = client.get(f"/admin/puls/ny?plan={message.id}").text
    assert "Kännedomsmätning våren 2031" in form
    assert client.post(f"/admin/puls/ny?plan={message.id}", data=pulse_form()).status_code == 302
    pulse = db.session.scalar(select(Pulse).where(Pulse.title_sv == "Vårens mätning"))
    assert pulse.plan_message_id == message.id
    page = client.get(f"/plan/{message.id}").text
    assert f'href="/admin/puls/{pulse.id}"' in page and "Vårens mätning" in page
    assert f'href="/plan/{message.id}"' in client.get(f"/admin/puls/{pulse.id}").text


def test_the_calendar_and_the_wheel_show_the_planned_pulse(quiz_item, client, auth):
    message = quiz_item()
    auth.login("admin")
    calendar = client.get("/plan/kalender?month=2031-04").text
    wheel = client.get("/plan/arshjul?year=2031").text
    for page in (calendar, wheel):
        assert "Kännedomsmätning våren 2031" in page and f"/plan/{message.id}" in page


def test_an_existing_pulse_is_linked_from_the_plan_and_unlinked(make_pulse, quiz_item, client, auth):
    pulse = make_pulse()
    message = quiz_item()
    auth.login("admin")
    page = client.get(f"/plan/{message.id}").text
    assert f'<option value="{pulse.id}">' in page
    client.post("/admin/puls/planera", data={"message_id": message.id, "pulse_id": pulse.id})
    db.session.refresh(pulse)
    assert pulse.plan_message_id == message.id
    client.post("/admin/puls/planera", data={"message_id": message.id})  # no pulse chosen: unlink
    db.session.refresh(pulse)
    assert pulse.plan_message_id is None


def test_only_a_quiz_item_plans_a_pulse_and_only_one(make_pulse, quiz_item, client, auth):
    first, second = make_pulse(prefix="a"), make_pulse(prefix="b")
    message, intranet = quiz_item(), quiz_item(channel="intranät", title="Intranätsnytt")
    auth.login("admin")
    wrong = client.post("/admin/puls/planera", data={"message_id": intranet.id, "pulse_id": first.id},
                        follow_redirects=True)
    assert "Bara ett meddelande i kanalen för kännedomsmätningar" in wrong.text
    assert "Skapa kännedomsmätning" not in client.get(f"/plan/{intranet.id}").text
    assert client.get(f"/admin/puls/ny?plan={intranet.id}").status_code == 404
    client.post("/admin/puls/planera", data={"message_id": message.id, "pulse_id": first.id})
    taken = client.post("/admin/puls/planera", data={"message_id": message.id, "pulse_id": second.id},
                        follow_redirects=True)
    assert "planerar redan en annan mätning" in taken.text
    db.session.expire_all()
    assert (first.plan_message_id, second.plan_message_id) == (message.id, None)


def test_a_planner_without_pulse_rights_sees_the_pulse_named_not_linked(make_pulse, quiz_item, region, make_person,
                                                                       client, auth):
    from pulse import planning

    message, pulse = quiz_item(), make_pulse()
    planning.link(pulse, message, datetime(2031, 3, 1, tzinfo=timezone.utc))
    make_person("comms", roles=("comms",), unit=region["units"]["rs"])
    db.session.commit()
    auth.login("comms")
    page = client.get(f"/plan/{message.id}").text
    assert pulse.title_sv in page and "/admin/puls/" not in page  # the admin page would answer 403
    assert "Skapa kännedomsmätning" not in page and "Ta bort kopplingen" not in page
    assert client.get(f"/admin/puls/{pulse.id}").status_code == 403


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 30, "-1", "1e3", ""])
def test_odd_ids_in_the_plan_links_are_not_found_not_a_server_error(raw, quiz_item, client, auth):
    quiz_item()
    auth.login("admin")
    assert client.get("/admin/puls/ny", query_string={"plan": raw}).status_code in (200, 404)
    answer = client.post("/admin/puls/planera", data={"message_id": raw, "pulse_id": raw})
    assert answer.status_code in (302, 400, 404)
