"""Reads of the pulse package."""
from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from models.pulse import Pulse, PulseParticipant


def pulses() -> list[Pulse]:
    """Every pulse, newest opening first."""
    return list(db.session.scalars(select(Pulse).order_by(Pulse.opens_on.desc(), Pulse.id.desc())))


def participant(pulse_id: int, person_id: int) -> PulseParticipant | None:
    """The person's invitation to the pulse (None: the link is not for them)."""
    return db.session.get(PulseParticipant, (pulse_id, person_id))


def response_counts(pulse_id: int) -> tuple[int, int]:
    """(people asked, people who have answered)."""
    asked, answered = db.session.execute(
        select(func.count(), func.count().filter(PulseParticipant.answered.is_(True)))
        .where(PulseParticipant.pulse_id == pulse_id)).one()
    return int(asked), int(answered or 0)


def open_for(person_id: int, today) -> list[Pulse]:
    """Open pulses the person was asked to answer and has not (the start page card)."""
    return list(db.session.scalars(
        select(Pulse).join(PulseParticipant, PulseParticipant.pulse_id == Pulse.id)
        .where(PulseParticipant.person_id == person_id, PulseParticipant.answered.is_(False),
               Pulse.opens_on <= today, Pulse.closes_on >= today).order_by(Pulse.closes_on)))
