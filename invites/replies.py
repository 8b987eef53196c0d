"""Attendees' answers: read the organiser mailbox, store each PARTSTAT on its attendee, free the
seat of a decliner (the waiting list moves up), record delegations and counter-proposals.

One poll: the polled folder's messages in batches; each message is handled in a savepoint (one
bad message never stops the others), a `Reply` row records what came of it, the batch is
committed, and only then are its messages moved: handled ones to IMAP_DONE_FOLDER, unmatched
or malformed ones to IMAP_UNKNOWN_FOLDER (or left, with a keyword). A crash between the commit
and the move reads the same messages again next time; their Message-IDs are then recognised.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from invites import itip, mailbox, registration
from models import Activity, Attendee, Person, PersonAddress, Reply

log = logging.getLogger(__name__)

#: Messages fetched and committed together.
BATCH = 250
DONE, UNKNOWN, LEFT = "done", "unknown", "left"


@dataclass
class PollReport:
    """What one poll did."""

    read: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    left: int = 0
    promoted: int = 0
    skipped: str = ""

    def as_json(self) -> dict:
        return {"read": self.read, "by_outcome": dict(self.by_outcome), "left": self.left,
                "promoted": self.promoted, "skipped": self.skipped}


class _Matcher:
    """Activities by UID and their attendees by address, loaded once per activity per poll."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything (after a rollback)."""
        self.activities: dict[str, Activity | None] = {}
        self.people: dict[int, dict[str, int]] = {}
        self.attendees: dict[int, dict[int, Attendee]] = {}

    def attendee(self, activity: Activity, person_id: int) -> Attendee:
        if activity.id not in self.attendees:
            rows = db.session.scalars(select(Attendee).where(Attendee.activity_id == activity.id))
            self.attendees[activity.id] = {a.person_id: a for a in rows}
        return self.attendees[activity.id][person_id]

    def activity(self, uid: str) -> Activity | None:
        if uid not in self.activities:
            self.activities[uid] = db.session.scalar(select(Activity).where(Activity.uid == uid))
        return self.activities[uid]

    def person_id(self, activity: Activity, addresses: tuple[str, ...]) -> int | None:
        if activity.id not in self.people:
            invited = select(Attendee.person_id).where(Attendee.activity_id == activity.id)
            rows = list(db.session.execute(select(func.lower(Person.email), Person.id)
                                           .where(Person.id.in_(invited))).tuples())
            rows += db.session.execute(select(PersonAddress.address, PersonAddress.person_id)
                                       .where(PersonAddress.person_id.in_(invited))).tuples().all()
            self.people[activity.id] = {address: pid for address, pid in rows if address}
        known = self.people[activity.id]
        return next((known[a] for a in addresses if a in known), None)


def _newer(answer: itip.Answer, attendee: Attendee) -> bool:
    """Does the answer replace the attendee's stored one? Higher SEQUENCE wins, then later DTSTAMP."""
    if attendee.answer_sequence is None:
        return True
    if answer.sequence != attendee.answer_sequence:
        return answer.sequence > attendee.answer_sequence
    return attendee.answer_stamp is None or answer.stamp is None or answer.stamp >= attendee.answer_stamp


def _apply(answer: itip.Answer, activity: Activity, attendee: Attendee, reply: Reply, now: datetime) -> int:
    """Store the answer on the attendee; returns how many were moved up from the waiting list."""
    if answer.method == "COUNTER":
        reply.outcome = "counter"  # shown to the organiser, not acted on
        return 0
    if answer.recurrence_id is not None:
        reply.outcome = "occurrence"  # registration is for the series; one occurrence is only recorded
        return 0
    if not _newer(answer, attendee):
        reply.outcome, reply.reason = "stale", "older_sequence"
        return 0
    reply.outcome = "applied"
    attendee.partstat, attendee.answered_at = answer.partstat, now
    attendee.answer_sequence, attendee.answer_stamp = answer.sequence, answer.stamp
    attendee.delegated_to = answer.delegated_to or None
    if answer.partstat == "DECLINED":
        return len(registration.decline(activity, attendee, now))
    return 0


def handle(envelope: itip.Envelope, msg, matcher: _Matcher, now: datetime, report: PollReport,
           replies: list[Reply]) -> str:
    """One message: DONE (matched), UNKNOWN (matched nothing or malformed) or LEFT (no calendar)."""
    data = itip.calendar_bytes(msg)
    if data is None:
        return LEFT
    base = {"message_id": envelope.message_id, "sender": envelope.sender, "subject": envelope.subject,
            "received_at": now}
    try:
        answers = itip.read_answers(data)
    except itip.Unreadable as problem:
        replies.append(Reply(**base, outcome="malformed", reason=problem.code))
        db.session.add(replies[-1])
        return UNKNOWN
    matched = False
    for answer in answers:
        reply = Reply(**base, method=answer.method, uid=answer.uid[:300], sequence=answer.sequence,
                      attendee=(answer.addresses[0] if answer.addresses else "")[:320], partstat=answer.partstat,
                      delegated_to=answer.delegated_to[:320], proposed_start=answer.proposed_start,
                      proposed_end=answer.proposed_end, comment=answer.comment, outcome="unmatched")
        db.session.add(reply)
        replies.append(reply)
        activity = matcher.activity(answer.uid)
        person_id = matcher.person_id(activity, answer.addresses) if activity else None
        if activity is None or person_id is None:
            reply.reason = "unknown_event" if activity is None else "unknown_attendee"
            continue
        reply.activity_id, reply.person_id = activity.id, person_id
        attendee = matcher.attendee(activity, person_id)
        report.promoted += _apply(answer, activity, attendee, reply, now)
        matched = True
    return DONE if matched else UNKNOWN


def _seen(message_ids: list[str]) -> set[str]:
    """Message-IDs already recorded (a poll that stopped between its commit and its moves)."""
    ids = [m for m in message_ids if m]
    if not ids:
        return set()
    return set(db.session.scalars(select(Reply.message_id).where(Reply.message_id.in_(ids))))


def poll(now: datetime) -> PollReport:
    """Read every new message in the organiser mailbox once (IMAP_HOST empty: nothing to do)."""
    report = PollReport()
    cfg = mailbox.settings(current_app.config)
    if not cfg.host:
        report.skipped = "IMAP_HOST is not set"
        return report
    with mailbox.Mailbox(cfg) as box:
        targets = {DONE: box.ensure(cfg.done_folder),
                   UNKNOWN: box.ensure(cfg.unknown_folder) if cfg.unknown_folder else None}
        uids = box.pending()
        matcher = _Matcher()
        session = db.session()
        # The matcher's activities and attendees stay loaded across the batches' commits (each
        # reloaded one by one would cost more than everything else); this job is their writer.
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            for start in range(0, len(uids), BATCH):
                parsed = [(uid, *itip.parse_message(raw)) for uid, raw in box.fetch(uids[start:start + BATCH])]
                where = _batch(parsed, now, report, matcher)
                _move(box, where, targets, report)
        finally:
            session.expire_on_commit = expire
    return report


def _move(box: mailbox.Mailbox, where: dict[str, list[bytes]], targets: dict, report: PollReport) -> None:
    """After the commit: handled ones to the done folder, the rest to the unknown one (or left)."""
    box.move(where[DONE], targets[DONE])
    if targets[UNKNOWN]:
        box.move(where[UNKNOWN], targets[UNKNOWN])
    else:
        where[LEFT] += where[UNKNOWN]
    box.leave(where[LEFT])
    report.left += len(where[LEFT])


def _batch(parsed: list, now: datetime, report: PollReport, matcher: _Matcher) -> dict[str, list[bytes]]:
    """Handle a batch and commit it: all in one go, and only if that fails, message by message in
    savepoints, so one bad message never stops the others (and the common case stays cheap)."""
    for careful in (False, True):
        part = PollReport()
        if careful:
            matcher.reset()  # what it held was rolled back
        seen = _seen([envelope.message_id for _, envelope, _ in parsed])
        where: dict[str, list[bytes]] = {DONE: [], UNKNOWN: [], LEFT: []}
        try:
            for uid, envelope, msg in parsed:
                where[_one(uid, envelope, msg, seen, matcher, now, part, careful)].append(uid)
            db.session.commit()
        except Exception:
            if careful:
                raise
            log.warning("a batch of calendar replies failed; handling it message by message", exc_info=True)
            db.session.rollback()
            continue
        report.read += part.read
        report.promoted += part.promoted
        for outcome, n in part.by_outcome.items():
            report.by_outcome[outcome] = report.by_outcome.get(outcome, 0) + n
        break
    return where


def _one(uid: bytes, envelope: itip.Envelope, msg, seen: set[str], matcher: _Matcher, now: datetime,
         report: PollReport, careful: bool) -> str:
    report.read += 1
    message_id = envelope.message_id
    if message_id and message_id in seen:
        outcome = db.session.scalar(select(Reply.outcome).where(Reply.message_id == message_id).limit(1))
        return UNKNOWN if outcome in ("unmatched", "malformed") else DONE
    replies: list[Reply] = []
    if not careful:
        target = handle(envelope, msg, matcher, now, report, replies)
    else:
        try:
            with db.session.begin_nested():
                target = handle(envelope, msg, matcher, now, report, replies)
        except Exception:  # a message we could not handle must not stop the others
            log.exception("calendar reply %s could not be handled", uid)
            replies = [Reply(message_id=message_id, sender=envelope.sender, subject=envelope.subject,
                             outcome="malformed", reason="error", received_at=now)]
            db.session.add(replies[0])
            target = UNKNOWN
    for reply in replies:
        report.by_outcome[reply.outcome] = report.by_outcome.get(reply.outcome, 0) + 1
    return target
