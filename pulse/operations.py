"""Writes of the pulse package: create a pulse, change its audience, record an answer.

The caller (a view, a command, the demo) commits. An answer marks the person as answered
(pulse_participant) and adds one to a counter per question (pulse_tally); nothing written
for the answer names the person or a time finer than the day.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from main.i18n import local_tz
from models import Person, Unit
from models.base import affected
from models.pulse import Pulse, PulseParticipant, PulseQuestion, PulseTally
from pulse import rules
from pulse.rules import PulseError, PulseSpec


def create_pulse(spec: PulseSpec, *, by: Person | None = None) -> Pulse:
    """A new pulse from a validated spec (raises PulseError)."""
    rules.validate(spec)
    pulse = Pulse(title_sv=spec.title_sv.strip(), title_en=spec.title_en.strip(), audience=spec.audience,
                  unit_ids=sorted(set(spec.unit_ids)), opens_on=spec.opens_on, closes_on=spec.closes_on,
                  created_by_id=by.id if by is not None else None)
    for n, q in enumerate(spec.questions, start=1):
        options = [] if q.kind == "scale" else [
            {"sv": sv.strip(), "en": (q.options_en[i].strip() if q.options_en else "")}
            for i, sv in enumerate(q.options_sv)]
        pulse.questions.append(PulseQuestion(
            position=n, key=q.key.strip(), kind=q.kind, text_sv=q.text_sv.strip(), text_en=q.text_en.strip(),
            options=options, correct=q.correct if q.kind == "choice" else None,
            explanation_sv=q.explanation_sv.strip(), explanation_en=q.explanation_en.strip()))
    db.session.add(pulse)
    db.session.flush()
    return pulse


def change_audience(pulse: Pulse, audience: str, unit_ids: list[int], today: date) -> None:
    """Change who a pulse is for; refused once it has opened (the invitations are out)."""
    if pulse.invited_at is not None or rules.state(pulse.opens_on, pulse.closes_on, today) != rules.PLANNED:
        raise PulseError("audience_locked")
    if audience not in ("all", "units", "managers", "not_done") or (audience == "units" and not unit_ids):
        raise PulseError("audience")
    pulse.audience = audience
    pulse.unit_ids = sorted(set(unit_ids))


def answer(pulse: Pulse, person: Person, choices: dict[int, int], now: datetime) -> None:
    """Record `person`'s answer: {question id: option index}. Raises PulseError when the pulse is
    not open, the person was not asked, has answered already, or an answer is missing or invalid."""
    today = now.astimezone(local_tz()).date()
    current = rules.state(pulse.opens_on, pulse.closes_on, today)
    if current != rules.OPEN:
        raise PulseError(current)
    for question in pulse.questions:
        choice = choices.get(question.id)
        if choice is None or not 0 <= choice < rules.option_count(question.kind, question.options):
            raise PulseError("missing", str(question.position))
    marked = db.session.execute(
        update(PulseParticipant)
        .where(PulseParticipant.pulse_id == pulse.id, PulseParticipant.person_id == person.id,
               PulseParticipant.answered.is_(False))
        .values(answered=True)
        # "fetch" updates a participant this session holds by its key; the default ("evaluate")
        # tests every object in the session, which made the demo's 761 answers take seconds.
        .execution_options(synchronize_session="fetch"))
    if affected(marked) != 1:  # one atomic update: two tabs submitting at once count once
        asked = db.session.get(PulseParticipant, (pulse.id, person.id))
        raise PulseError("already" if asked is not None else "not_asked")
    unit_id = _reporting_unit(person)
    for question in pulse.questions:
        _count(pulse.id, question.id, choices[question.id], unit_id, today)


def _reporting_unit(person: Person) -> int:
    path = db.session.scalar(select(Unit.path).where(Unit.id == person.unit_id)) if person.unit_id else None
    return rules.reporting_unit(path, current_app.config["PULSE_REPORT_LEVEL"])


def _count(pulse_id: int, question_id: int, choice: int, unit_id: int, day: date) -> None:
    """Add one to a counter, creating it when it is the first (a race on creation retries the add)."""
    key = (PulseTally.pulse_id == pulse_id, PulseTally.question_id == question_id, PulseTally.choice == choice,
           PulseTally.unit_id == unit_id, PulseTally.answered_on == day)
    for _attempt in range(3):
        # No session sync: tallies are only ever read as sums (pulse.results), never as objects;
        # a tally this session added below keeps its first count in memory, which nothing reads.
        bump = update(PulseTally).where(*key).values(count=PulseTally.count + 1)
        if affected(db.session.execute(bump.execution_options(synchronize_session=False))):
            return
        try:
            with db.session.begin_nested():
                db.session.add(PulseTally(pulse_id=pulse_id, question_id=question_id, choice=choice,
                                          unit_id=unit_id, answered_on=day, count=1))
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not count an answer")


def ensure_participants(pulse: Pulse, person_ids: list[int]) -> list[int]:
    """Add the people asked (the audience when the pulse opens); returns the ids that were new."""
    have = set(db.session.scalars(select(PulseParticipant.person_id).where(PulseParticipant.pulse_id == pulse.id)))
    new = [pid for pid in person_ids if pid not in have]
    db.session.add_all(PulseParticipant(pulse_id=pulse.id, person_id=pid, answered=False) for pid in new)
    db.session.flush()
    return new
