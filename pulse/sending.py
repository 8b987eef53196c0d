"""Invitations and the one reminder of a pulse, sent through the outbox by the job in tasks.py.

A pulse opens on its opening day: the audience is resolved from the directory once, stored as
participants, and each is mailed a link. Once, PULSE_REMINDER_DAYS before it closes, those who
have not answered get a reminder. Both are safe to run twice (idempotency keys, stamps).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from campaign import audience as audience_mod
from extensions import db
from main.i18n import fmt_date, local_tz
from main.navigation import absolute_url
from models import Person
from models.pulse import Pulse, PulseParticipant
from outbox.operations import enqueue
from pulse import operations

log = logging.getLogger(__name__)


@dataclass
class Sent:
    opened: int = 0
    invited: int = 0
    reminded: int = 0

    def __str__(self) -> str:
        return f"{self.opened} opened, {self.invited} invited, {self.reminded} reminded"


def send_due(now: datetime) -> Sent:
    """Open the pulses whose day has come and send the reminders that are due; one pulse's
    trouble is logged and the others go on."""
    today = now.astimezone(local_tz()).date()
    sent = Sent()
    due = db.session.scalars(select(Pulse.id).where(Pulse.invited_at.is_(None), Pulse.opens_on <= today,
                                                    Pulse.closes_on >= today)).all()
    for pulse_id in due:
        _each(pulse_id, lambda p: _open(p, now, sent))
    remind_from = today + timedelta(days=current_app.config["PULSE_REMINDER_DAYS"])
    reminders = db.session.scalars(select(Pulse.id).where(
        Pulse.invited_at.is_not(None), Pulse.reminded_at.is_(None), Pulse.closes_on <= remind_from,
        Pulse.closes_on >= today)).all()
    for pulse_id in reminders:
        _each(pulse_id, lambda p: _remind(p, now, sent))
    return sent


def _each(pulse_id: int, work) -> None:
    try:
        work(db.session.get(Pulse, pulse_id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("pulse %s: could not send", pulse_id)


def _open(pulse: Pulse, now: datetime, sent: Sent) -> None:
    try:
        people = audience_mod.resolve(pulse.audience, pulse.unit_ids or [], now)
    except audience_mod.TrainingUnavailable:
        people = []
    operations.ensure_participants(pulse, [p.id for p in people])
    pulse.invited_at = now
    for person in people:
        if _mail(pulse, person, "invite", now):
            sent.invited += 1
    sent.opened += 1


def _remind(pulse: Pulse, now: datetime, sent: Sent) -> None:
    waiting = db.session.scalars(select(Person).join(PulseParticipant, PulseParticipant.person_id == Person.id)
                                 .where(PulseParticipant.pulse_id == pulse.id,
                                        PulseParticipant.answered.is_(False), Person.active.is_(True))
                                 .order_by(Person.id)).all()
    pulse.reminded_at = now
    for person in waiting:
        if _mail(pulse, person, "reminder", now):
            sent.reminded += 1


def _mail(pulse: Pulse, person: Person, kind: str, now: datetime) -> bool:
    locale = person.locale or "sv"
    url = absolute_url(f"/puls/{pulse.id}")
    with force_locale(locale):
        title = pulse.title(locale)
        if kind == "invite":
            subject = _("Kort enkät: %(title)s", title=title)
            intro = _("Hur väl känner du till regionens riktlinjer för informationssäkerhet? "
                      "Svara på några korta frågor; det tar under en minut.")
        else:
            subject = _("Påminnelse: %(title)s", title=title)
            intro = _("Du har inte svarat på enkäten ännu. Den stänger snart.")
        text = _("%(intro)s\n\nSvara senast %(day)s:\n%(url)s\n\nDina svar sparas utan ditt namn.\n",
                 intro=intro, day=fmt_date(pulse.closes_on), url=url)
    result = enqueue(f"pulse:{pulse.id}:{kind}:{person.id}", to=person, subject=" ".join(subject.split()),
                     text=text, related=("pulse", pulse.id), now=now)
    return result.ok
