"""A pulse planned as a communication-plan item: a plan message on the PULSE_PLAN_CHANNEL
("quiz") that links to its pulse, so the pulse sits in the calendar and årshjul with the rest.

The link is the pulse's (`Pulse.plan_message_id`, one pulse per plan item): the plan's message
page offers to create a pulse for the item or to link an existing one, and both pages link to
each other. The caller commits.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import PlanMessage
from models.pulse import Pulse
from pulse.rules import PulseError


def plan_channel() -> str:
    return current_app.config["PULSE_PLAN_CHANNEL"]


def is_plan_item(message: PlanMessage) -> bool:
    return message.channel == plan_channel()


def link(pulse: Pulse, message: PlanMessage | None) -> None:
    """Make `message` the plan item of `pulse` (None unlinks it)."""
    if message is None:
        pulse.plan_message_id = None
        return
    if not is_plan_item(message):
        raise PulseError("plan_channel")
    other = pulse_for(message.id)
    if other is not None and other.id != pulse.id:
        raise PulseError("plan_taken")
    pulse.plan_message_id = message.id
    db.session.flush()


def message_by_id(raw: str) -> PlanMessage | None:
    """The plan message with the id in `raw` (a form or query value), or None."""
    return db.session.get(PlanMessage, int(raw)) if raw.isdigit() else None


def pulse_by_id(raw: str) -> Pulse | None:
    return db.session.get(Pulse, int(raw)) if raw.isdigit() else None


def pulse_for(message_id: int) -> Pulse | None:
    """The pulse a plan item plans, if any."""
    return db.session.scalar(select(Pulse).where(Pulse.plan_message_id == message_id))


def unlinked() -> list[Pulse]:
    """Pulses not planned by any plan item, newest first (to link one from the plan)."""
    return list(db.session.scalars(select(Pulse).where(Pulse.plan_message_id.is_(None))
                                   .order_by(Pulse.opens_on.desc(), Pulse.id.desc())))
