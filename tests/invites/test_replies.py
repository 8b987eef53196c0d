"""Attendees' answers read from a real IMAP server (Dovecot), APPENDed as Outlook, Google and
Apple send them: stored per attendee, a decline frees the seat, the waiting list moves up."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from extensions import db
from invites import registration
from invites.mailbox import MailboxError
from invites.replies import poll
from models import Attendee, PersonAddress, Registration, Reply
from tests.invites import clients
from tests.invites.conftest import BEFORE, imap_config

UTC = timezone.utc
OCT8 = datetime(2024, 10, 8, 10, 0, tzinfo=UTC)
NOW = BEFORE + timedelta(days=1)
UNKNOWN = "INBOX/Vaksam-ok&AOQ-nt"
DONE = "INBOX/Vaksam-hanterat"


@pytest.fixture
def app_config(mail_config, imap):
    from tests.invites.conftest import ORGANIZER

    return {**mail_config, "INVITE_ORGANIZER": ORGANIZER, "INVITE_ALARM_MINUTES": 15, **imap_config(imap)}


def attendee(activity, person) -> Attendee:
    db.session.expire_all()
    return db.session.scalar(select(Attendee).where(Attendee.activity_id == activity.id,
                                                    Attendee.person_id == person.id))


def test_outlook_accept_is_stored_with_its_time_and_the_message_moved(app, world, make_activity, imap):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    imap.append(clients.outlook(activity.uid, "Anna@Example.SE", "Anna Åström", "ACCEPTED"))

    report = poll(NOW)
    db.session.commit()

    assert report.by_outcome == {"applied": 1}
    row = attendee(activity, world["anna"])
    assert (row.partstat, row.answered_at, row.answer_sequence) == ("ACCEPTED", NOW, 0)
    assert imap.messages("INBOX") == []
    [moved] = imap.messages(DONE)
    assert b"Microsoft Exchange" in moved or b"base64" in moved  # the message itself, unchanged
    assert poll(NOW).read == 0  # nothing is read twice


def test_google_decline_frees_the_seat_and_the_first_waiting_is_invited(app, world, make_activity, imap):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=1)
    registration.register(activity, world["anna"], BEFORE)
    registration.register(activity, world["bo"], BEFORE + timedelta(minutes=1))
    db.session.commit()
    assert attendee(activity, world["bo"]) is None  # waiting: not invited yet
    imap.append(clients.google(activity.uid, world["anna"].email, "Anna", "DECLINED"))

    report = poll(NOW)
    db.session.commit()

    assert report.promoted == 1
    statuses = dict(db.session.execute(select(Registration.person_id, Registration.status)).all())
    assert statuses == {world["anna"].id: "cancelled", world["bo"].id: "registered"}
    anna, bo = attendee(activity, world["anna"]), attendee(activity, world["bo"])
    assert (anna.partstat, anna.wanted) == ("DECLINED", False)
    assert (bo.method, bo.wanted) == ("REQUEST", True)  # the promoted person's invitation is in the outbox


def test_apple_attachment_matches_by_email_parameter_or_alternative_address(app, world, make_activity, imap):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    for name in ("anna", "bo"):
        registration.register(activity, world[name], BEFORE)
    db.session.add(PersonAddress(person_id=world["bo"].id, address="bo.privat@icloud.example"))
    db.session.commit()
    imap.append(clients.apple(activity.uid, "anna.alias@icloud.example", "Anna", "TENTATIVE",
                              email_param=world["anna"].email))
    imap.append(clients.apple(activity.uid, "BO.privat@icloud.example", "Bo", "ACCEPTED"))

    assert poll(NOW).by_outcome == {"applied": 2}
    db.session.commit()
    assert attendee(activity, world["anna"]).partstat == "TENTATIVE"
    assert attendee(activity, world["bo"]).partstat == "ACCEPTED"


def test_an_answer_to_an_older_sequence_is_recorded_but_does_not_override(app, world, make_activity,
                                                                          update_activity, imap):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    update_activity(activity, place="Sal 2")  # SEQUENCE 1
    imap.append(clients.outlook(activity.uid, world["anna"].email, "Anna", "TENTATIVE", sequence=1))
    imap.append(clients.outlook(activity.uid, world["anna"].email, "Anna", "DECLINED", sequence=0,
                                stamp=datetime(2024, 9, 3, 9, 0, tzinfo=UTC)))

    assert poll(NOW).by_outcome == {"applied": 1, "stale": 1}
    db.session.commit()
    assert attendee(activity, world["anna"]).partstat == "TENTATIVE"
    assert db.session.scalar(select(Registration.status)) == "registered"  # the stale decline kept the seat


def test_delegation_and_counter_proposal_are_recorded_and_shown(app, world, make_activity, imap, client, auth):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1))
    from invites.operations import invite_audience

    invite_audience(activity, BEFORE)
    db.session.commit()
    # RFC 5546 §3.2.2.3: the delegator's REPLY carries DELEGATED-TO, the delegate's line DELEGATED-FROM.
    imap.append(clients.outlook(activity.uid, world["anna"].email, "Anna", "DELEGATED",
                                delegated_to="vikarie@region.example",
                                extra=f"ATTENDEE;PARTSTAT=NEEDS-ACTION;DELEGATED-FROM=\"mailto:{world['anna'].email}\""
                                      ":mailto:vikarie@region.example\n"))
    imap.append(clients.outlook(activity.uid, world["bo"].email, "Bo", "TENTATIVE", method="COUNTER",
                                start="20241008T140000", end="20241008T150000"))

    report = poll(NOW)
    db.session.commit()

    assert report.by_outcome["counter"] == 1
    anna = attendee(activity, world["anna"])
    assert (anna.partstat, anna.delegated_to) == ("DELEGATED", "vikarie@region.example")
    counter = db.session.scalar(select(Reply).where(Reply.outcome == "counter"))
    assert counter.proposed_start == datetime(2024, 10, 8, 12, 0, tzinfo=UTC)  # 14:00 CEST
    assert attendee(activity, world["bo"]).partstat is None  # a counter-proposal is not an answer
    auth.login("comms")
    page = client.get(f"/aktiviteter/{activity.id}/inbjudningar").get_data(as_text=True)
    assert "vikarie@region.example" in page and "14:00" in page


def test_unmatched_and_malformed_answers_go_to_the_unknown_folder_and_are_listed(app, world, make_activity,
                                                                                 imap, client, auth):
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    imap.append(clients.broken(world["anna"].email))
    imap.append(clients.outlook("no-such-event@elsewhere", world["anna"].email, "Anna"))
    imap.append(clients.outlook(activity.uid, "stranger@example.org", "Stranger"))
    imap.append(clients.plain_mail(world["anna"].email))
    imap.append(clients.outlook(activity.uid, world["anna"].email, "Anna", "ACCEPTED"))

    report = poll(NOW)
    db.session.commit()

    assert report.by_outcome == {"malformed": 1, "unmatched": 2, "applied": 1}
    assert attendee(activity, world["anna"]).partstat == "ACCEPTED"  # the bad ones stopped nothing
    assert len(imap.messages(UNKNOWN)) == 3
    assert len(imap.messages(DONE)) == 1
    [left] = imap.messages("INBOX")  # the person's question stays for people to read
    assert b"parkering" in left
    assert poll(NOW).read == 0
    make_admin = world["comms"]
    from models import RoleGrant

    db.session.add(RoleGrant(person_id=make_admin.id, role="admin"))
    db.session.commit()
    auth.login("comms")
    page = client.get("/kalendersvar/okanda").get_data(as_text=True)
    assert "stranger@example.org" in page and "no-such-event@elsewhere" in page


def test_unmatched_answers_can_be_left_in_place(app, world, make_activity, imap):
    app.config["IMAP_UNKNOWN_FOLDER"] = ""
    imap.append(clients.outlook("no-such-event@elsewhere", world["anna"].email, "Anna"))
    assert poll(NOW).left == 1
    db.session.commit()
    assert len(imap.messages("INBOX")) == 1
    assert poll(NOW).read == 0


def test_cli_polls_once_and_reports_json(app, world, make_activity, imap, runner):
    import json

    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    imap.append(clients.google(activity.uid, world["anna"].email, "Anna", "ACCEPTED"))
    result = runner.invoke(args=["invites", "poll-replies", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["by_outcome"] == {"applied": 1}


def test_wrong_password_is_a_clear_error(app, imap, runner):
    app.config["IMAP_PASSWORD"] = "wrong"
    with pytest.raises(MailboxError):
        poll(NOW)
    result = runner.invoke(args=["invites", "poll-replies"])
    assert result.exit_code != 0 and "IMAP" in result.output


def test_tls_certificate_is_verified(app, world, make_activity, tmp_path):
    """Implicit TLS with the server's certificate checked: our CA passes, another CA is refused."""
    from tests.services import Dovecot, make_test_ca

    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, world["anna"], BEFORE)
    db.session.commit()
    with Dovecot(tls=make_test_ca(tmp_path / "ca")) as server:
        server.append(clients.apple(activity.uid, world["anna"].email, "Anna", "ACCEPTED"))
        app.config.update(imap_config(server))
        app.config["IMAP_CA_FILE"] = make_test_ca(tmp_path / "other")["ca_cert"]
        with pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
            poll(NOW)
        app.config["IMAP_CA_FILE"] = server.tls["ca_cert"]
        assert poll(NOW).by_outcome == {"applied": 1}
    db.session.commit()
    assert attendee(activity, world["anna"]).partstat == "ACCEPTED"


def test_answers_are_shown_to_planners_and_the_organiser_only(app, world, make_activity, imap, client, auth):

    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, world["anna"], BEFORE)
    activity.organiser_id = world["rut"].id  # an organiser who is not a planner
    db.session.commit()
    imap.append(clients.apple(activity.uid, world["anna"].email, "Anna", "ACCEPTED"))
    poll(NOW)
    db.session.commit()
    url = f"/aktiviteter/{activity.id}/inbjudningar"
    auth.login("rut")
    page = client.get(url)
    assert page.status_code == 200 and "Anna Åström" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post(url).status_code == 403  # sending stays with the planners
    auth.logout()
    auth.login("bo")
    assert client.get(url).status_code == 403
