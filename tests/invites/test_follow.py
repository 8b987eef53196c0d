"""Invitations follow the activity: audience narrowed or widened, planned ⇄ confirmed; the
waiting-list mail; invitations in the invitee's language."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from extensions import db
from invites import operations, registration
from models import Attendee
from tests.invites.checks import prop_lines
from tests.invites.conftest import BEFORE
from tests.invites.test_invitations import by_recipient, deliver

UTC = timezone.utc
OCT8 = datetime(2024, 10, 8, 10, 0, tzinfo=UTC)


def test_narrowing_cancels_exactly_those_removed_and_widening_invites_the_new(app, world, make_activity,
                                                                            update_activity, smtp):
    units = world["units"]
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), units=[units["akut"]])
    operations.invite_audience(activity, BEFORE)
    db.session.commit()
    deliver(smtp, 3)  # anna, bo, cia

    update_activity(activity, unit_ids=[units["rs"].id])  # another unit
    moved = by_recipient(deliver(smtp, 5))  # three CANCELs, two invitations (RS: Rut and Kim)
    assert set(moved) == {"anna@example.se", "bo@example.se", "cia@example.se", "rut@example.se",
                          "comms@example.se"}
    for address in ("anna@example.se", "bo@example.se", "cia@example.se"):
        assert moved[address].subject.startswith("Inte längre inbjuden: ")
    assert moved["rut@example.se"].subject.startswith("Inbjudan: ")
    raw = moved["anna@example.se"].message.as_bytes()
    assert b"method=CANCEL" in raw or b'method="CANCEL"' in raw

    update_activity(activity, unit_ids=[units["rs"].id, units["akut"].id])  # wider again
    back = by_recipient(deliver(smtp, 3))
    assert set(back) == {"anna@example.se", "bo@example.se", "cia@example.se"}
    assert all(m.subject.startswith("Inbjudan: ") for m in back.values())


def test_back_to_planned_cancels_for_everyone_and_confirming_again_reinvites(app, world, make_activity,
                                                                          update_activity, smtp):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), units=[world["units"]["akut"]])
    operations.invite_audience(activity, BEFORE)
    db.session.commit()
    deliver(smtp, 3)
    update_activity(activity, status="planned")
    withdrawn = deliver(smtp, 3)
    assert all(m.subject.startswith("Inte längre bekräftad: ") for m in withdrawn)
    for m in withdrawn:
        ics = [p for p in m.message.walk() if p.get_content_type() == "text/calendar"][0].get_payload(decode=True)
        assert prop_lines(ics, "STATUS") == ["STATUS:TENTATIVE"]  # not the whole-event STATUS:CANCELLED
    update_activity(activity, status="confirmed")
    again = deliver(smtp, 3)
    assert all(m.subject.startswith("Inbjudan: ") for m in again)
    sequences = db.session.scalars(select(Attendee.sequence).where(Attendee.wanted.is_(True), Attendee.sequence.is_not(None))).all()
    assert sequences and min(sequences) >= 2  # each message went up


def test_going_onto_the_waiting_list_sends_the_place_in_the_queue(app, world, make_activity, smtp):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=1)
    registration.register(activity, world["anna"], BEFORE)
    registration.register(activity, world["bo"], BEFORE + timedelta(minutes=1))
    registration.register(activity, world["cia"], BEFORE + timedelta(minutes=2))
    db.session.commit()
    got = by_recipient(deliver(smtp, 3))
    assert got["bo@example.se"].subject.startswith("Väntelista: ")
    assert "nummer 1" in got["bo@example.se"].text() and "nummer 2" in got["cia@example.se"].text()
    assert not [p for p in got["cia@example.se"].message.walk() if p.get_content_type() == "text/calendar"]


def test_invitation_is_in_the_invitees_language(app, world, make_activity, smtp):
    world["rut"].locale = "en"
    db.session.commit()
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), units=[world["units"]["rs"]])
    operations.invite_audience(activity, BEFORE)
    db.session.commit()
    mails = by_recipient(deliver(smtp, 2))  # Rut (English) and Kim (Swedish)
    assert mails["comms@example.se"].subject.startswith("Inbjudan: ")
    mail = mails["rut@example.se"]
    assert mail.subject.startswith("Invitation: ")
    ics = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"][0].get_payload(decode=True)
    assert b"Time: Tuesday 8 October 2024" in ics.replace(b"\r\n ", b"")
    assert mail.text().startswith("Hello, Rut!")
