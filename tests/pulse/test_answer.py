"""Answering a pulse: one form, the right answers after it, one answer per person, only one's own link."""
from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from extensions import db
from tests.pulse.conftest import OPEN_NOW


def _form(pulse, picks=(2, 1, 3)) -> dict:
    return {f"q{q.id}": str(pick) for q, pick in zip(pulse.questions, picks)}


def test_opening_invites_the_audience_through_the_outbox(opened, region):
    from models import OutboxMessage
    from models.pulse import PulseParticipant

    asked = set(db.session.scalars(select(PulseParticipant.person_id).where(PulseParticipant.pulse_id == opened.id)))
    assert region["akut0"].id in asked and region["norr1"].id in asked
    assert region["outsider"].id not in asked and region["admin"].id not in asked
    keys = set(db.session.scalars(select(OutboxMessage.idempotency_key)))
    assert f"pulse:{opened.id}:invite:{region['akut0'].id}" in keys
    assert len(keys) == len(asked)
    assert opened.invited_at is not None


def test_employee_answers_and_sees_the_explanations(opened, client, auth):
    auth.login("akut0")
    with time_machine.travel(OPEN_NOW, tick=False):
        page = client.get(f"/puls/{opened.id}")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert "Vilken klass har patientuppgifter?" in page.text and 'type="radio"' in page.text
        done = client.post(f"/puls/{opened.id}", data=_form(opened))
    assert done.status_code == 200
    assert "Patientuppgifter är alltid känsliga." in done.text
    assert "Rätt svar: Känslig" in done.text and "Du svarade rätt" in done.text
    assert 'type="radio"' not in done.text


def test_a_second_answer_is_refused_kindly(opened, client, auth):
    from models.pulse import PulseTally

    auth.login("akut0")
    with time_machine.travel(OPEN_NOW, tick=False):
        client.post(f"/puls/{opened.id}", data=_form(opened))
        again = client.post(f"/puls/{opened.id}", data=_form(opened, (0, 0, 0)))
        page = client.get(f"/puls/{opened.id}")
    assert again.status_code == 200 and "Du har redan svarat" in again.text
    assert "Du har redan svarat" in page.text and 'type="radio"' not in page.text
    assert db.session.scalar(select(func.sum(PulseTally.count))) == 3  # one answer per question, once


def test_a_missing_answer_keeps_the_form_and_writes_nothing(opened, client, auth):
    from models.pulse import PulseParticipant, PulseTally

    auth.login("akut0")
    form = _form(opened)
    form.pop(f"q{opened.questions[1].id}")
    with time_machine.travel(OPEN_NOW, tick=False):
        page = client.post(f"/puls/{opened.id}", data=form)
    assert page.status_code == 422 and "Svara på fråga 2." in page.text
    assert db.session.scalar(select(func.count()).select_from(PulseTally)) == 0
    assert db.session.scalar(select(PulseParticipant.answered).where(PulseParticipant.person_id == 0)) is None
    assert not db.session.get(PulseParticipant, (opened.id, _id(opened, "akut0"))).answered


def _id(pulse, username):
    from models import Person

    return db.session.scalar(select(Person.id).where(Person.username == username))


def test_the_link_works_only_for_people_asked(opened, client, auth):
    auth.login("outsider")
    with time_machine.travel(OPEN_NOW, tick=False):
        page = client.get(f"/puls/{opened.id}")
        post = client.post(f"/puls/{opened.id}", data=_form(opened))
    assert page.status_code == 403 and "inte för dig" in page.text
    assert post.status_code == 403


def test_not_yet_open_and_closed_say_so(opened, client, auth):
    auth.login("akut0")
    with time_machine.travel(OPEN_NOW - timedelta(days=3), tick=False):
        early = client.get(f"/puls/{opened.id}")
    with time_machine.travel(OPEN_NOW + timedelta(days=10), tick=False):
        late = client.post(f"/puls/{opened.id}", data=_form(opened))
    assert "inte öppnat ännu" in early.text and 'type="radio"' not in early.text
    assert "Mätningen är stängd." in late.text


def test_the_audience_cannot_change_after_opening(opened, make_pulse, region):
    import pytest

    from pulse import operations
    from pulse.rules import PulseError

    with pytest.raises(PulseError) as error:
        operations.change_audience(opened, "all", [], OPEN_NOW.date())
    assert error.value.code == "audience_locked"
    later = make_pulse(opens_on=OPEN_NOW.date() + timedelta(days=30), closes_on=OPEN_NOW.date() + timedelta(days=40))
    operations.change_audience(later, "all", [], OPEN_NOW.date())
    assert later.audience == "all"


def test_the_reminder_goes_once_to_those_who_have_not_answered(opened, region):
    from models import OutboxMessage
    from models.pulse import Pulse
    from pulse import operations
    from pulse.sending import send_due

    operations.answer(opened, region["akut0"], {q.id: 0 for q in opened.questions}, OPEN_NOW)
    db.session.commit()
    near_close = OPEN_NOW.replace(day=12)
    first = send_due(near_close)
    second = send_due(near_close + timedelta(hours=5))
    reminders = set(db.session.scalars(select(OutboxMessage.idempotency_key)
                                       .where(OutboxMessage.idempotency_key.like(f"pulse:{opened.id}:reminder:%"))))
    assert f"pulse:{opened.id}:reminder:{region['akut1'].id}" in reminders
    assert f"pulse:{opened.id}:reminder:{region['akut0'].id}" not in reminders
    assert first.reminded == len(reminders) > 0 and second.reminded == 0
    assert db.session.get(Pulse, opened.id).reminded_at is not None


def test_admin_creates_a_pulse_from_the_form(region, client, auth):
    from models.pulse import Pulse

    auth.login("admin")
    data = {"title_sv": "Vårens mätning", "audience": "all", "opens_on": "2031-04-01", "closes_on": "2031-04-10"}
    for n in range(3):
        data.update({f"questions-{n}-key": f"k{n}", f"questions-{n}-kind": "choice",
                     f"questions-{n}-text_sv": f"Fråga {n}?", f"questions-{n}-options_sv": "Ja\nNej",
                     f"questions-{n}-correct": "1"})
    response = client.post("/admin/puls/ny", data=data)
    assert response.status_code == 302
    pulse = db.session.scalar(select(Pulse).where(Pulse.title_sv == "Vårens mätning"))
    assert [q.key for q in pulse.questions] == ["k0", "k1", "k2"] and pulse.questions[0].correct == 0
    too_few = client.post("/admin/puls/ny", data={**data, "questions-2-text_sv": ""})
    assert "En mätning har 3–10 frågor." in too_few.text


def test_the_start_page_has_a_card_until_answered(opened, client, auth, region):
    from pulse import operations

    auth.login("akut0")
    with time_machine.travel(OPEN_NOW, tick=False):
        before = client.get("/")
        operations.answer(opened, region["akut0"], {q.id: 0 for q in opened.questions}, OPEN_NOW)
        db.session.commit()
        after = client.get("/")
    assert f"/puls/{opened.id}" in before.text and f"/puls/{opened.id}" not in after.text
