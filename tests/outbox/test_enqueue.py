"""enqueue(): one row per idempotency key, addresses checked, people without one reported."""
from __future__ import annotations

import email
import email.policy
import threading

import pytest
from sqlalchemy import func, select

from extensions import db
from models import OutboxMessage, OutboxSkip
from outbox.mime import calendar_alternative, ics_attachment
from outbox.operations import enqueue

ICS = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def count(key=None) -> int:
    stmt = select(func.count()).select_from(OutboxMessage)
    if key:
        stmt = stmt.where(OutboxMessage.idempotency_key == key)
    return db.session.scalar(stmt)


def test_same_key_twice_makes_one_row(app, make_person):
    anna = make_person("anna")
    first = enqueue("reminder:round-3:person-1", to=anna, subject="Påminnelse", text="Hej")
    second = enqueue("reminder:round-3:person-1", to=anna, subject="Påminnelse igen", text="Hej igen")
    db.session.commit()
    assert (first.outcome, second.outcome) == ("queued", "duplicate")
    assert first.message_id == second.message_id and count() == 1
    row = db.session.get(OutboxMessage, first.message_id)
    assert row.subject == "Påminnelse" and row.recipient_id == anna.id and row.recipient_name == anna.name
    assert row.status == "queued" and row.message_id.endswith("@region.example>")


def test_key_stays_used_after_commit_in_a_new_transaction(app):
    enqueue("invitation:activity-7:seq-2", to="a@example.se", subject="Inbjudan", text="x")
    db.session.commit()
    again = enqueue("invitation:activity-7:seq-2", to="a@example.se", subject="Inbjudan", text="x")
    assert again.outcome == "duplicate" and count() == 1


def test_concurrent_enqueues_of_one_key_make_one_row(app):
    workers, outcomes, errors = 8, [], []
    barrier = threading.Barrier(workers)

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                result = enqueue("campaign:42:person-9", to="p9@example.se", subject="Oktober", text="Hej")
                db.session.commit()
                outcomes.append(result.outcome)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(outcomes) == ["duplicate"] * (workers - 1) + ["queued"]
    assert count("campaign:42:person-9") == 1


def test_person_without_address_is_reported_not_enqueued(app, make_person):
    nils = make_person("nils", email=None)
    result = enqueue("reminder:1:nils", to=nils, subject="Påminnelse", text="Hej")
    assert result.outcome == "no_address" and result.person_id == nils.id and not result.ok
    assert count() == 0


def test_invalid_address_is_reported(app, make_person):
    bad = make_person("bad", email="bad@@example")
    assert enqueue("k1", to=bad, subject="S", text="T").outcome == "invalid_address"
    assert enqueue("k2", to="not an address", subject="S", text="T").outcome == "invalid_address"
    assert count() == 0


@pytest.mark.parametrize("field", ["subject", "to_name"])
def test_header_injection_is_skipped_and_recorded(app, field):
    kwargs = {"to": "a@example.se", "subject": "Hej", "text": "T", field: "Hej\r\nBcc: spy@evil.example"}
    result = enqueue("inject", **kwargs, related=("test", 7))
    assert result.outcome == "invalid_header" and result.skipped and not result.ok
    assert count() == 0
    skip = db.session.scalars(select(OutboxSkip)).one()
    assert skip.reason == "invalid_header" and skip.related_type == "test" and skip.related_id == "7"
    assert "\\r\\nBcc" in skip.detail and "\n" not in skip.detail  # shown escaped, never raw


def test_injection_through_a_directory_name_is_skipped_and_the_rest_go_out(app, make_person):
    mallory = make_person("mallory", display_name="Mallory\nBcc: spy@evil.example")
    ann = make_person("ann")
    results = [enqueue(f"round:{p.id}", to=p, subject="Hej", text="T") for p in (mallory, ann)]
    db.session.commit()
    assert [r.outcome for r in results] == ["invalid_header", "queued"]
    assert count() == 1
    skips = db.session.scalars(select(OutboxSkip)).all()
    assert [(s.reason, s.recipient_id) for s in skips] == [("invalid_header", mallory.id)]
    enqueue(f"round:{mallory.id}", to=mallory, subject="Hej", text="T")  # tried again: still one row
    db.session.commit()
    assert len(db.session.scalars(select(OutboxSkip)).all()) == 1


def test_no_and_invalid_addresses_are_recorded_as_skips(app, make_person):
    nomail = make_person("nomail", email=None)
    assert enqueue("a", to=nomail, subject="S", text="T").outcome == "no_address"
    assert enqueue("b", to="not an address\r\n", subject="S", text="T").outcome == "invalid_address"
    db.session.commit()
    reasons = {s.idempotency_key: (s.reason, s.recipient_id) for s in db.session.scalars(select(OutboxSkip))}
    assert reasons == {"a": ("no_address", nomail.id), "b": ("invalid_address", None)}


def test_message_is_built_once_with_exact_part_bytes(app, make_person):
    boss = make_person("boss")
    result = enqueue("invitation:1:seq-0", to="a@example.se", to_name="Anna", subject="Inbjudan", text="T",
                     alternatives=[calendar_alternative(ICS)], attachments=[ics_attachment(ICS, "x.ics")],
                     created_by=boss, related=("activity", 1))
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(OutboxMessage, result.message_id)
    parsed = email.message_from_bytes(row.raw, policy=email.policy.default)
    assert parsed["Message-ID"] == row.message_id and parsed["Date"] is None  # stamped when sent
    calendar, attachment = [p for p in parsed.walk() if p.get_content_type() in ("text/calendar", "application/ics")]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_payload(decode=True) == ICS
    assert attachment.get_filename() == "x.ics" and attachment.get_payload(decode=True) == ICS
    assert (row.created_by_id, row.related_type, row.related_id) == (boss.id, "activity", "1")
