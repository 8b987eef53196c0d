"""Writes for invitations: who is invited (Attendee rows) and the iMIP e-mails that keep each
attendee's calendar copy in step with the activity, through the outbox.

Everything runs in the caller's transaction and flushes; the caller commits, so a change to
an activity and the messages about it are saved together or not at all. `sync` is safe to
call any number of times: it only sends what an attendee has not had yet (invites/rules.py),
and the outbox keys (`invite:{activity}:{person}:seq{n}:{method}`) make a repeat a no-op.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from campaign import audience
from extensions import db
from invites import content, ical, rules
from invites.errors import InviteError
from models import Activity, Attendee, Person
from models.base import table_of
from outbox.mime import InvalidAddress, calendar_alternative, ics_attachment, validate_address
from outbox.operations import enqueue


@dataclass
class SendReport:
    """What one round did."""

    queued: int = 0
    #: People skipped (no or unusable address, a line break in the name), all reasons together.
    no_address: int = 0
    up_to_date: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    #: The skipped ones by reason (no_address, invalid_address, invalid_header).
    unmailable: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"queued": self.queued, "no_address": self.no_address, "up_to_date": self.up_to_date,
                "by_method": dict(self.by_method), "unmailable": dict(self.unmailable)}


class _Round:
    """Calendars and mail bodies of one round, built once per (method, sequence) / reason."""

    def __init__(self, activity: Activity, now: datetime):
        self.activity, self.now = activity, now
        self.calendars: dict[tuple[str, int, str], bytes] = {}
        self.mails: dict[tuple[str, bool, str], content.Mail] = {}
        self.sender = content.organizer_header()

    def calendar(self, method: str, sequence: int, locale: str) -> bytes:
        key = (method, sequence, locale)
        if key not in self.calendars:
            self.calendars[key] = content.invitation_calendar(self.activity, method, sequence, self.now, locale)
        return self.calendars[key]

    def mail(self, reason: str, promoted: bool, locale: str) -> content.Mail:
        if (reason, promoted, locale) not in self.mails:
            self.mails[(reason, promoted, locale)] = content.mail(self.activity, reason, promoted, locale)
        return self.mails[(reason, promoted, locale)]


def _send_one(rnd: _Round, attendee: Attendee, person: Person, report: SendReport,
              promoted: bool = False) -> None:
    activity = rnd.activity
    method = rules.desired_method(activity.status, attendee.wanted)
    last = rules.Sent(attendee.method, attendee.sequence, attendee.activity_sequence)
    out = rules.next_message(activity.sequence or 0, last, method, activity.status == "cancelled",
                             rules.cancel_reason(activity.status, attendee.source))
    if out is None:
        report.up_to_date += 1
        return
    key = rules.idempotency_key(activity.id, person.id, out.sequence, out.method)
    locale = content.locale_of(person)
    mail = rnd.mail(out.reason, promoted, locale).to(person)
    try:
        address = validate_address(person.email or "")
        ics = ical.with_attendee(rnd.calendar(out.method, out.sequence, locale), ical.Address(person.name, address))
    except (InvalidAddress, ValueError):
        ics = b""  # enqueue() below records why this person is skipped
    result = enqueue(key, to=person, subject=mail.subject, text=mail.text, html=mail.html, mail_from=rnd.sender,
                     alternatives=[calendar_alternative(ics, out.method)] if ics else (),
                     attachments=[ics_attachment(ics, "invite.ics")] if ics else (),
                     related=("activity", activity.id), now=rnd.now)
    if not result.ok:  # skipped (no usable address, a line break in the name): tried again at the next change
        report.no_address += 1
        report.unmailable[result.outcome] = report.unmailable.get(result.outcome, 0) + 1
        return
    attendee.method, attendee.sequence, attendee.activity_sequence = out.method, out.sequence, activity.sequence or 0
    attendee.sent_at, attendee.outbox_message_id = rnd.now, result.message_id
    report.queued += 1
    report.by_method[out.method] = report.by_method.get(out.method, 0) + 1


def sync(activity: Activity, now: datetime, person_ids: Iterable[int] | None = None,
         promoted: Iterable[int] = ()) -> SendReport:
    """Send every attendee (or those in `person_ids`) what brings their copy up to date:
    the invitation, an update with a higher SEQUENCE, or a CANCEL."""
    report = SendReport()
    stmt = (select(Attendee, Person).join(Person, Person.id == Attendee.person_id)
            .where(Attendee.activity_id == activity.id).order_by(Attendee.id))
    if person_ids is not None:
        stmt = stmt.where(Attendee.person_id.in_(list(person_ids)))
    rnd = _Round(activity, now)
    promoted = set(promoted)
    rows = db.session.execute(stmt).all()
    with db.session.no_autoflush:  # the attendee rows are written in one batch below, not before each enqueue
        for attendee, person in rows:
            _send_one(rnd, attendee, person, report, promoted=person.id in promoted)
    db.session.flush()
    return report


def send_waiting_mail(activity: Activity, person: Person, place: int, now: datetime) -> bool:
    """Tell someone who went onto the waiting list their place in the queue (once per joining)."""
    mail = content.waiting_mail(activity, place, content.locale_of(person)).to(person)
    stamp = now.strftime("%Y%m%dT%H%M%S")
    result = enqueue(f"waiting:{activity.id}:{person.id}:{stamp}", to=person, subject=mail.subject, text=mail.text,
                     html=mail.html, mail_from=content.organizer_header(), related=("activity", activity.id), now=now)
    return result.ok


def set_wanted(activity: Activity, person: Person, wanted: bool, source: str, now: datetime) -> Attendee | None:
    """Mark that the person should (or no longer should) have the event; None if never invited
    and not wanted. A concurrent insert of the same pair is absorbed (unique constraint)."""
    attendee = db.session.scalar(select(Attendee).where(Attendee.activity_id == activity.id,
                                                        Attendee.person_id == person.id))
    if attendee is None:
        if not wanted:
            return None
        try:
            with db.session.begin_nested():
                attendee = Attendee(activity_id=activity.id, person_id=person.id, wanted=True, source=source,
                                    created_at=now)
                db.session.add(attendee)
                db.session.flush()
        except IntegrityError:
            attendee = db.session.scalar(select(Attendee).where(Attendee.activity_id == activity.id,
                                                                Attendee.person_id == person.id))
            assert attendee is not None  # the row the other insert made
    attendee.wanted = wanted
    return attendee


def _check_invitable(activity: Activity, now: datetime) -> None:
    if activity.status != "confirmed":
        raise InviteError("not_confirmed")
    if activity.starts_at <= now:
        raise InviteError("started")
    if activity.capacity is not None:
        raise InviteError("has_capacity")


def invite_audience(activity: Activity, now: datetime) -> SendReport:
    """Invite everyone the activity is for (whole region or its units, active people only).

    For activities without a capacity; those with one are joined by registering."""
    _check_invitable(activity, now)
    kind = "all" if activity.whole_region else "units"
    people = audience.resolve(kind, [u.id for u in activity.units], now)
    known = set(db.session.scalars(select(Attendee.person_id).where(Attendee.activity_id == activity.id)))
    new = [{"activity_id": activity.id, "person_id": p.id, "wanted": True, "source": "audience", "created_at": now}
           for p in people if p.id not in known]
    if new:
        db.session.execute(_insert_ignoring_duplicates(), new)
    return sync(activity, now, person_ids=[p.id for p in people])


def _insert_ignoring_duplicates():
    """INSERT … ON CONFLICT DO NOTHING: a second click's round adds nobody twice."""
    module = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    return module.insert(table_of(Attendee)).on_conflict_do_nothing(index_elements=["activity_id", "person_id"])


def follow_audience(activity: Activity, now: datetime) -> None:
    """After an audience change of an activity whose audience was invited: those no longer in it
    are no longer wanted (they get a CANCEL), those new to it are added (they get the invitation)."""
    if activity.status != "confirmed" or activity.starts_at <= now:
        return
    invited = select(Attendee.id).where(Attendee.activity_id == activity.id, Attendee.source == "audience")
    if db.session.scalar(invited.limit(1)) is None:
        return  # the audience was never invited (or the activity is joined by registering)
    kind = "all" if activity.whole_region else "units"
    current = {p.id for p in audience.resolve(kind, [u.id for u in activity.units], now)}
    rows = db.session.execute(select(Attendee.id, Attendee.person_id, Attendee.wanted).where(
        Attendee.activity_id == activity.id, Attendee.source == "audience")).all()
    known = set(db.session.scalars(select(Attendee.person_id).where(Attendee.activity_id == activity.id)))
    changes = [{"id": i, "wanted": pid in current} for i, pid, wanted in rows if wanted != (pid in current)]
    if changes:
        db.session.execute(update(Attendee), changes)
    new = [{"activity_id": activity.id, "person_id": pid, "wanted": True, "source": "audience", "created_at": now}
           for pid in current - known]
    if new:
        db.session.execute(_insert_ignoring_duplicates(), new)


def activity_changed(activity: Activity, now: datetime) -> SendReport:
    """After a change to an activity: follow the audience, fill freed seats and send updates
    (higher SEQUENCE) or cancellations to everyone invited."""
    from invites import registration  # registration imports this module

    follow_audience(activity, now)
    registration.fill_free_seats(activity, now)
    return sync(activity, now)


def on_activity_changed(_sender, *, activity: Activity, now: datetime, **_kwargs) -> None:
    """Receiver of `signals.activity_changed` (sent by campaign.activities.save_activity)."""
    activity_changed(activity, now)
