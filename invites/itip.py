"""Reading attendees' answers (iTIP REPLY and COUNTER, RFC 5546 §3.2.3 and §3.2.7) out of the
calendars mail clients send back, and finding those calendars in the e-mails.

Pure functions over bytes; the second module (with ical.py) allowed to import icalendar.
What the clients do, and what we accept because of it:

* Outlook / Exchange: a text/calendar part with `method=REPLY` inside multipart/alternative,
  often base64, TZID names from Windows ("W. Europe Standard Time") with their own VTIMEZONE.
* Google Calendar: the same text/calendar alternative plus an `invite.ics` attachment
  (application/ics) carrying the same calendar.
* Apple Calendar: only an attachment (text/calendar, quoted-printable), and the address may be
  in an EMAIL parameter while the mailto: value is an iCloud alias.
"""
from __future__ import annotations

import email
import email.header
import email.utils
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.message import Message

from icalendar import Calendar

from invites.errors import InviteError

#: Methods that carry an attendee's answer.
ANSWERS = ("REPLY", "COUNTER")
#: PARTSTAT values we store (others, like NEEDS-ACTION, are not an answer).
PARTSTATS = ("ACCEPTED", "TENTATIVE", "DECLINED", "DELEGATED")


class Unreadable(InviteError):
    """The message has no usable calendar answer; `code` is a key of invites.labels.REPLY_REASONS."""


@dataclass(frozen=True)
class Answer:
    """One attendee's answer about one event (or one occurrence of a series)."""

    method: str
    uid: str
    sequence: int
    #: DTSTAMP of the answer (UTC), None when missing.
    stamp: datetime | None
    #: Addresses naming the attendee, lower case: the mailto: value first, then an EMAIL parameter.
    addresses: tuple[str, ...]
    partstat: str
    delegated_to: str
    #: RECURRENCE-ID when the answer is about one occurrence only.
    recurrence_id: datetime | date | None
    proposed_start: datetime | None
    proposed_end: datetime | None
    comment: str


@dataclass(frozen=True)
class Envelope:
    """The headers we keep of a message read from the mailbox."""

    message_id: str
    sender: str
    subject: str


def parse_message(raw: bytes) -> tuple[Envelope, Message]:
    """The message (compat32: headers are parsed only when asked for, which is what makes
    5,000 replies cheap) and the headers we keep, decoded."""
    msg = email.message_from_bytes(raw)

    def header(name: str) -> str:
        value = msg.get(name)
        if value is None:
            return ""
        try:
            text = str(email.header.make_header(email.header.decode_header(str(value))))
        except Exception:  # a broken encoded word: keep the raw text
            text = str(value)
        return " ".join(text.split())

    sender = header("From")
    addresses = email.utils.getaddresses([sender]) if sender else []
    return Envelope(header("Message-ID")[:500], (addresses[0][1] if addresses else "")[:320],
                    header("Subject")[:300]), msg


def calendar_bytes(msg: Message) -> bytes | None:
    """The calendar of the message: a text/calendar part with a method parameter first
    (Outlook, Google), else any calendar attachment (Apple, Google's invite.ics)."""
    found: list[tuple[int, bytes]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if ctype not in ("text/calendar", "application/ics") and not filename.endswith(".ics"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        found.append((0 if ctype == "text/calendar" and part.get_param("method") else 1, payload))
    if not found:
        return None
    return sorted(found, key=lambda item: item[0])[0][1]


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _utc(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return None


def _decoded(event, name: str):
    try:
        return event.decoded(name) if name in event else None
    except Exception:  # an unknown TZID or a broken value: the answer itself still counts
        return None


def read_answers(data: bytes) -> list[Answer]:
    """Every attendee answer in a REPLY or COUNTER calendar; Unreadable if there is none."""
    try:
        cal = Calendar.from_ical(data)
    except Exception as exc:
        raise Unreadable("bad_calendar") from exc
    method = str(cal.get("method", "")).strip().upper()
    if method not in ANSWERS:
        raise Unreadable("not_an_answer")
    answers = []
    for event in cal.walk("VEVENT"):
        uid = str(event.get("uid", "")).strip()
        attendees = event.get("attendee")
        if not uid or attendees is None:
            continue
        try:
            sequence = int(str(event.get("sequence", 0)))
        except ValueError:
            sequence = 0
        for att in attendees if isinstance(attendees, list) else [attendees]:
            params = getattr(att, "params", {})
            addresses = tuple(a for a in dict.fromkeys([_address(att), _address(params.get("EMAIL"))]) if a)
            partstat = str(params.get("PARTSTAT", "")).upper()
            if method == "REPLY" and partstat not in PARTSTATS:
                continue
            answers.append(Answer(
                method=method, uid=uid, sequence=sequence, stamp=_utc(_decoded(event, "dtstamp")),
                addresses=addresses, partstat=partstat, delegated_to=_address(params.get("DELEGATED-TO")),
                recurrence_id=_decoded(event, "recurrence-id"),
                proposed_start=_utc(_decoded(event, "dtstart")) if method == "COUNTER" else None,
                proposed_end=_utc(_decoded(event, "dtend")) if method == "COUNTER" else None,
                comment=str(event.get("comment", ""))[:2000]))
    if not answers:
        raise Unreadable("no_answer")
    return answers
