"""The reply run of bench/invites.py: attendees' answers read from a real IMAP server.

5,000 REPLY messages (Outlook, Google and Apple formats, as tests/invites/clients.py builds
them) are APPENDed to a throwaway Dovecot. Baseline: fetching them all with imaplib (the same
batches, BODY.PEEK) and parsing each with the email package and icalendar (the calendar part
found, Calendar.from_ical, its ATTENDEE read). Ours: `invites.replies.poll` (the same fetch and
parse, the match to activity and attendee, the answer stored, a Reply row per message, commits,
and every message moved to the done folder). Target: ratio ≤ 2.
"""
from __future__ import annotations

import email
import time
from datetime import datetime

from tests.invites import clients
from tests.services import Dovecot

BATCH = 250


def seed_replies(box: Dovecot, activity_uid: str, addresses: list[str]) -> None:
    """One answer per person, the clients' formats in turn."""
    conn = box.client()
    try:
        for i, address in enumerate(addresses):
            name = address.split("@")[0]
            kind = i % 3
            raw = (clients.outlook(activity_uid, address, name, "ACCEPTED") if kind == 0 else
                   clients.google(activity_uid, address, name, "DECLINED") if kind == 1 else
                   clients.apple(activity_uid, address, name, "TENTATIVE"))
            status, data = conn.append("INBOX", "", None, raw)
            assert status == "OK", data
    finally:
        conn.logout()


def baseline(box: Dovecot) -> tuple[float, int]:
    """Seconds to fetch and parse every message with imaplib, email and icalendar alone."""
    from icalendar import Calendar

    started = time.perf_counter()
    conn = box.client()
    conn.select("INBOX", readonly=True)
    uids = conn.uid("SEARCH", None, "ALL")[1][0].split()
    answers = 0
    for start in range(0, len(uids), BATCH):
        _, data = conn.uid("FETCH", b",".join(uids[start:start + BATCH]).decode(), "(UID BODY.PEEK[])")
        for item in data:
            if not isinstance(item, tuple):
                continue
            msg = email.message_from_bytes(item[1])
            for part in msg.walk():
                if part.get_content_type() in ("text/calendar", "application/ics") and not part.is_multipart():
                    cal = Calendar.from_ical(part.get_payload(decode=True))
                    for event in cal.walk("VEVENT"):
                        answers += bool(event.get("attendee"))
                    break
    conn.logout()
    return time.perf_counter() - started, answers


def bench_replies(app, people: list[tuple[int, str]], activity, now: datetime) -> dict:
    """Append one reply per person, then time the baseline and our poll on the same mailbox."""
    from extensions import db
    from invites.replies import poll

    with Dovecot(user="organiser@region.example") as box:
        started = time.perf_counter()
        seed_replies(box, activity.uid, [address for _, address in people])
        appended = time.perf_counter() - started
        base, answers = baseline(box)
        app.config.update({"IMAP_HOST": box.host, "IMAP_PORT": box.port, "IMAP_TLS": "off",
                           "IMAP_USERNAME": box.user, "IMAP_PASSWORD": box.password, "IMAP_FOLDER": "INBOX",
                           "IMAP_DONE_FOLDER": "", "IMAP_UNKNOWN_FOLDER": "INBOX/Vaksam-okänt"})
        started = time.perf_counter()
        report = poll(now)
        db.session.commit()
        ours = time.perf_counter() - started
        left = len(box.client().select("INBOX")[1])
    assert answers == len(people) and report.by_outcome.get("applied") == len(people), report.as_json()
    return {"replies": len(people), "ours": ours, "baseline": base, "appended": appended, "left": left}
