"""iMIP invitations end to end: registration, updates and cancellation go through the outbox to
the real SMTP test server; what arrives is checked for MIME shape and by libical."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from extensions import db
from invites import operations, registration
from models import Attendee, OutboxMessage, Registration
from outbox.sender import send_due
from tests.invites.checks import assert_valid, assert_wire_format, libical, prop_lines
from tests.invites.conftest import BEFORE

UTC = timezone.utc
#: Tuesday 8 October 2024, 12:00 Stockholm (summer time).
OCT8 = datetime(2024, 10, 8, 10, 0, tzinfo=UTC)


def deliver(smtp, expected: int) -> list:
    """Run the outbox sender, wait for the server to have `expected` messages; return the new ones."""
    before = len(smtp.messages)
    report = send_due()
    assert report.failed == 0, report
    got = smtp.wait_for(before + expected)[before:]
    assert len(got) == expected, [m.subject for m in got]
    return got


def calendar_parts(captured) -> tuple[bytes, str]:
    """Check the MIME shape of an invitation; return the calendar bytes and the method parameter."""
    msg = captured.message
    assert msg.get_content_type() == "multipart/mixed"
    first, *attachments = msg.iter_parts()
    assert first.get_content_type() == "multipart/alternative"
    alternatives = list(first.iter_parts())
    assert [p.get_content_type() for p in alternatives] == ["text/plain", "text/html", "text/calendar"]
    cal_part = alternatives[2]
    assert cal_part.get_content_charset() == "utf-8"
    method = cal_part.get_param("method")
    ics = cal_part.get_payload(decode=True)
    [attachment] = attachments
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == ics
    assert_wire_format(ics)
    assert prop_lines(ics, "METHOD") == [f"METHOD:{method}"]
    return ics, method


def check(captured, tmp_path, person) -> dict:
    """Everything an invitation to `person` must be: From the organiser, only them as ATTENDEE, valid iTIP."""
    assert captured.message["From"] == "Informationssäkerhet <sakerhet@region.example>"
    assert captured.rcpt_tos == [person.email]
    ics, method = calendar_parts(captured)
    [result] = libical(ics, tmp_path=tmp_path)
    assert_valid(result)
    assert result["method"] == method
    [event] = result["events"]
    assert [a["value"] for a in event["attendees"]] == [f"mailto:{person.email}"]
    assert event["organizer"]["value"] == "mailto:sakerhet@region.example"
    params = event["attendees"][0]["params"]
    assert params["RSVP"] == "TRUE" and params["PARTSTAT"] == "NEEDS-ACTION" and params["ROLE"] == "REQ-PARTICIPANT"
    assert params["CN"].strip('"') == person.name
    event["method"] = method
    return event


def by_recipient(messages) -> dict:
    return {m.rcpt_tos[0]: m for m in messages}


def test_registering_sends_a_request_that_arrives_as_a_meeting(app, world, make_activity, smtp, tmp_path):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10, online_url="https://teams.example/a",
                             description="Ta med frågor om klassning; allt är välkommet, även 😀.")
    outcome = registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    assert outcome.status == "registered"
    [mail] = deliver(smtp, 1)
    event = check(mail, tmp_path, world["anna"])
    assert event["method"] == "REQUEST" and event["uid"] == activity.uid and event["sequence"] == 0
    assert event["dtstart_utc"] == "20241008T100000Z" and event["dtstart_tzid"] == "Europe/Stockholm"
    assert event["url"] == "https://teams.example/a" and event["alarms"][0]["trigger"] == "-PT15M"
    assert "Tid: tisdag 8 oktober 2024 kl. 12:00–13:00" in event["description"]
    assert mail.subject == "Inbjudan: Lunchföreläsning: Klassa din information"
    assert "Hej Anna!" in mail.text() and "Acceptera" in mail.text()
    assert "Hej Anna!" in mail.html() and "<script" not in mail.html()
    key = db.session.scalar(select(OutboxMessage.idempotency_key))
    assert key == f"invite:{activity.id}:{world['anna'].id}:seq0:REQUEST"


def test_update_then_cancel_reach_everyone_invited_with_rising_sequence(app, world, make_activity, update_activity,
                                                                         smtp, tmp_path):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), units=[world["units"]["akut"]])
    report = operations.invite_audience(activity, BEFORE)
    db.session.commit()
    assert report.queued == 3 and report.no_address == 1  # anna, bo, cia; noemail has no address
    invited = [world["anna"], world["bo"], world["cia"]]
    first = by_recipient(deliver(smtp, 3))
    assert "rut@example.se" not in first  # another unit

    # A description-only change is not significant: nothing is sent.
    update_activity(activity, description="Ny beskrivning")
    assert send_due().sent == 0

    later = datetime(2024, 10, 27, 8, 0, tzinfo=UTC)  # Sunday after summer time ended: 09:00 CET
    update_activity(activity, starts_at=later, ends_at=later + timedelta(hours=1), place="Sal 3")
    second = by_recipient(deliver(smtp, 3))
    update_activity(activity, status="cancelled")
    third = by_recipient(deliver(smtp, 3))

    for person in invited:
        a, b, c = (check(batch[person.email], tmp_path, person) for batch in (first, second, third))
        assert a["uid"] == b["uid"] == c["uid"] == activity.uid
        assert (a["method"], b["method"], c["method"]) == ("REQUEST", "REQUEST", "CANCEL")
        assert a["sequence"] < b["sequence"] < c["sequence"]
        assert b["dtstart_utc"] == "20241027T080000Z" and b["location"] == "Sal 3"
        assert c["status"] == "CANCELLED"
    assert second["bo@example.se"].subject.startswith("Ändrad: ")
    assert third["bo@example.se"].subject.startswith("Inställd: ")
    # Running the hook again sends nothing more.
    assert operations.activity_changed(activity, BEFORE).queued == 0


def test_waiting_list_moves_up_and_unregistering_cancels_for_that_person_only(app, world, make_activity, smtp,
                                                                              tmp_path):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=2)
    outcomes = [registration.register(activity, world[name], BEFORE + timedelta(minutes=i)).status
                for i, name in enumerate(["anna", "bo", "cia"])]
    db.session.commit()
    assert outcomes == ["registered", "registered", "waiting"]
    first = by_recipient(deliver(smtp, 3))
    assert set(first) == {"anna@example.se", "bo@example.se", "cia@example.se"}
    assert first["cia@example.se"].subject.startswith("Väntelista: ")  # her place in the queue, no calendar

    outcome = registration.unregister(activity, world["bo"], BEFORE + timedelta(hours=1))
    db.session.commit()
    assert outcome.promoted == (world["cia"].id,)
    mails = by_recipient(deliver(smtp, 2))
    assert set(mails) == {"bo@example.se", "cia@example.se"}  # Anna hears nothing
    cancel = check(mails["bo@example.se"], tmp_path, world["bo"])
    assert cancel["method"] == "CANCEL" and cancel["sequence"] == 1
    assert mails["bo@example.se"].subject.startswith("Avanmäld: ")
    promoted = check(mails["cia@example.se"], tmp_path, world["cia"])
    assert promoted["method"] == "REQUEST" and promoted["sequence"] == 0
    assert "väntelistan" in mails["cia@example.se"].text()

    # Bo changes his mind: the activity is full again, so he waits; only he is told so.
    assert registration.register(activity, world["bo"], BEFORE + timedelta(hours=2)).status == "waiting"
    db.session.commit()
    [waiting] = deliver(smtp, 1)
    assert waiting.rcpt_tos == ["bo@example.se"] and "nummer 1" in waiting.text()
    # Anna leaves: Bo moves up and his new REQUEST beats the CANCEL he had (sequence 2 > 1).
    registration.unregister(activity, world["anna"], BEFORE + timedelta(hours=3))
    db.session.commit()
    again = by_recipient(deliver(smtp, 2))
    event = check(again["bo@example.se"], tmp_path, world["bo"])
    assert event["method"] == "REQUEST" and event["sequence"] == 2


def test_double_registration_is_one_row_and_one_mail(app, world, make_activity, smtp):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=5)
    first = registration.register(activity, world["anna"], BEFORE)
    second = registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    assert (first.status, second.status) == ("registered", "unchanged")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert registration.unregister(activity, world["anna"], BEFORE).status == "cancelled"
    assert registration.unregister(activity, world["anna"], BEFORE).status == "unchanged"


def test_larger_capacity_lets_the_waiting_in(app, world, make_activity, update_activity, smtp):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=1)
    for i, name in enumerate(["anna", "bo", "cia"]):
        registration.register(activity, world[name], BEFORE + timedelta(minutes=i))
    db.session.commit()
    deliver(smtp, 3)  # Anna's invitation, Bo's and Cia's places in the queue
    update_activity(activity, capacity=2)
    [mail] = deliver(smtp, 1)
    assert mail.rcpt_tos == ["bo@example.se"]  # first come, first served
    statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
    assert statuses[world["cia"].id] == "waiting"


def test_registration_refusals(app, world, make_activity):
    from invites.operations import InviteError

    akut_only = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=3, units=[world["units"]["akut"]])
    open_to_all = make_activity(OCT8, OCT8 + timedelta(hours=1), title="Utan anmälan")
    planned = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=3, status="planned", title="Planerad")
    for activity, person, now, code in [
        (akut_only, world["rut"], BEFORE, "not_for_you"),
        (open_to_all, world["anna"], BEFORE, "no_registration"),
        (planned, world["anna"], BEFORE, "not_confirmed"),
        (akut_only, world["anna"], OCT8, "started"),
    ]:
        try:
            registration.register(activity, person, now)
        except InviteError as error:
            assert error.code == code
        else:
            raise AssertionError(f"expected {code}")
    assert registration.register(akut_only, world["anna"], BEFORE).status == "registered"


def test_audience_invitation_twice_invites_once(app, world, make_activity, smtp):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1))
    operations.invite_audience(activity, BEFORE)
    again = operations.invite_audience(activity, BEFORE)
    db.session.commit()
    assert again.queued == 0 and again.up_to_date == 5
    assert db.session.scalar(select(func.count()).select_from(Attendee)) == 6
    deliver(smtp, 5)  # everyone with an address, comms included (whole region)


def test_a_leavers_seat_goes_to_the_first_one_waiting(app, world, make_activity, smtp):
    from jobs.registry import get_job

    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=1)
    registration.register(activity, world["anna"], BEFORE)
    registration.register(activity, world["bo"], BEFORE + timedelta(minutes=1))
    registration.register(activity, world["cia"], BEFORE + timedelta(minutes=2))
    db.session.commit()
    send_due()
    smtp.clear()
    world["anna"].active = False  # the directory sync deactivated her
    world["cia"].active = False
    db.session.commit()
    assert get_job("invites.release_leavers").func(BEFORE + timedelta(days=1)) == \
        "2 registrations of people who left given up"
    statuses = {r.person_id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {world["anna"].id: "cancelled", world["bo"].id: "registered", world["cia"].id: "cancelled"}
    assert "bo@example.se" in by_recipient(deliver(smtp, 2))
    assert registration.release_leavers(BEFORE + timedelta(days=1)) == 0  # nothing left to release
    world["bo"].active = False  # leaves after the activity: who attended is history
    db.session.commit()
    assert registration.release_leavers(OCT8 + timedelta(hours=2)) == 0
    assert db.session.scalar(select(Registration.status).where(Registration.person_id == world["bo"].id)) == \
        "registered"
