"""A pulse planned as a communication-plan item: a plan message on the PULSE_PLAN_CHANNEL
("quiz") that links to its pulse, so the pulse sits in the calendar and årshjul with the rest.

The link is the pulse's (`Pulse.plan_message_id`, one pulse per plan item): the plan's message
page offers to create a pulse for the item or to link an existing one, and both pages link to
each other. The caller commits.

The pulse is the item's publication. Two receivers answer campaign's questions (campaign never
imports pulse): `on_plan_message_due` (at the item's time it is marked published, or, with no
pulse yet, the owner's task says to create or link one) and `on_plan_messages_listed` (the
calendar and the årshjul link to the pulse and show its days).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from campaign.claims import DueClaim, ItemLink
from campaign.operations import publish_automatically
from extensions import db
from main.forms import parse_id
from main.i18n import fmt_date, fmt_datetime
from main.navigation import absolute_url
from models import Person, PlanMessage
from models.pulse import Pulse
from pulse.blueprint import PULSE_ADMINS
from pulse.rules import PulseError


def plan_channel() -> str:
    return current_app.config["PULSE_PLAN_CHANNEL"]


def is_plan_item(message: PlanMessage) -> bool:
    return message.channel == plan_channel()


def link(pulse: Pulse, message: PlanMessage | None, now: datetime) -> None:
    """Make `message` the plan item of `pulse` (None unlinks it). An item whose time has passed
    while it waited for a pulse (its owner's task) is published now."""
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
    if message.status == "scheduled" and message.planned_at <= now:
        try:
            publish_automatically(message, now, _publication_note(pulse))
        except StaleDataError as exc:  # sent, edited or published by someone else meanwhile
            raise PulseError("plan_stale") from exc


def message_by_id(raw: str) -> PlanMessage | None:
    """The plan message with the id in `raw` (a form or query value), or None."""
    found = parse_id(raw)
    return db.session.get(PlanMessage, found) if found is not None else None


def pulse_by_id(raw: str) -> Pulse | None:
    found = parse_id(raw)
    return db.session.get(Pulse, found) if found is not None else None


def may_manage(viewer: Person | None) -> bool:
    """Whether `viewer` may open, create and link pulses (the pulse admin pages)."""
    return viewer is not None and bool(getattr(viewer, "is_authenticated", True)) and viewer.has_role(*PULSE_ADMINS)


def pulse_for(message_id: int) -> Pulse | None:
    """The pulse a plan item plans, if any."""
    return db.session.scalar(select(Pulse).where(Pulse.plan_message_id == message_id))


def unlinked() -> list[Pulse]:
    """Pulses not planned by any plan item, newest first (to link one from the plan)."""
    return list(db.session.scalars(select(Pulse).where(Pulse.plan_message_id.is_(None))
                                   .order_by(Pulse.opens_on.desc(), Pulse.id.desc())))


def _publication_note(pulse: Pulse) -> str:
    """The history line (in Swedish, as every line Vaksam itself writes there)."""
    with force_locale("sv"):
        return _("Kännedomsmätningen ”%(title)s” är publiceringen: den öppnar %(opens)s och skickar själv "
                 "inbjudan till sin målgrupp.", title=pulse.title_sv, opens=fmt_date(pulse.opens_on))


def on_plan_message_due(_sender, *, message: PlanMessage, now: datetime, **_kwargs) -> DueClaim | None:
    """Receiver of `signals.plan_message_due`: a quiz item is published by its pulse; with no
    pulse linked yet, its owner is asked to create or link one instead of "publish it"."""
    if not is_plan_item(message):
        return None
    pulse = pulse_for(message.id)
    if pulse is not None:
        return DueClaim(published=_publication_note(pulse))
    url = absolute_url(f"/plan/{message.id}")
    return DueClaim(
        subject=_("Dags att skapa kännedomsmätningen: %(title)s", title=message.title),
        text=_("Meddelandet ”%(title)s” i kanalen %(channel)s planerar en kännedomsmätning (planerat %(time)s), "
               "men ingen mätning är kopplad till det.\n\nSkapa mätningen eller koppla en befintlig på "
               "meddelandets sida i Vaksam (en administratör kan göra det). Då markeras meddelandet som publicerat, "
               "och mätningen skickar själv inbjudan till sin målgrupp när den öppnar:\n%(url)s\n",
               title=message.title, channel=message.channel, time=fmt_datetime(message.planned_at), url=url))


def on_plan_messages_listed(_sender, *, messages: list[PlanMessage], viewer: Person | None,
                            **_kwargs) -> dict[int, ItemLink]:
    """Receiver of `signals.plan_messages_listed`: a quiz item with a pulse shows the pulse's
    days and, for those who may see the pulse, links to it."""
    ids = [m.id for m in messages if is_plan_item(m)]
    if not ids:
        return {}
    may_open = may_manage(viewer)
    return {pulse.plan_message_id: ItemLink(
                _("kännedomsmätning %(opens)s–%(closes)s", opens=fmt_date(pulse.opens_on),
                  closes=fmt_date(pulse.closes_on)),
                url_for("pulse.pulse", pulse_id=pulse.id) if may_open else None)
            for pulse in db.session.scalars(select(Pulse).where(Pulse.plan_message_id.in_(ids)))
            if pulse.plan_message_id is not None}
