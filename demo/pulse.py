"""Pulse quizzes and APT confirmations in the demo (idempotent: found by title before being made).

* a closed pulse with answers from about half of the region, so some units are merged for being small;
* an open pulse the demo employee ("anstalld") can answer today (participants written, no mails);
* an APT material for the whole region with about half of the units confirmed, the demo manager's not;
* the plan's APT messages whose deadline has passed confirmed by about half of the units (so the
  follow-up report has APT coverage to show under recommendation 2, and the demo manager has one
  overdue in the next digest);
* the APT mail of every material (the one-click link to confirm) in the outbox, queued when the
  material went out, like the demo's other mails: the demo writes its materials directly, so no
  signal announced them (`demo serve` sends the outbox into OUTBOX_MAIL_DIR).
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from apt import announce
from apt import operations as apt_ops
from apt import queries as apt_queries
from apt.materials import ACTIVITY, MESSAGE, Material, all_materials
from campaign.activities import new_uid
from demo import dates
from extensions import db
from main.i18n import local_tz
from models import Activity, Campaign, Person, PlanMessage, utcnow
from models.pulse import Pulse
from pulse import operations
from pulse.rules import PulseSpec, QuestionSpec

CLOSED_TITLE = "Kännedomsmätning: informationsklassning (vår)"
OPEN_TITLE = "Kännedomsmätning: informationsklassning (höst)"
APT_TITLE = "APT-material: Nätfiske och informationsklassning"
MANAGER = "chef"
#: How often each option is chosen in the closed pulse (question → weights), to give a readable result.
WEIGHTS = [[1, 2, 7], [2, 8], [1, 1, 2, 3, 3]]


def _questions() -> list[QuestionSpec]:
    return [
        QuestionSpec(key="klassning-patientdata", kind="choice",
                     text_sv="Vilken klass har uppgifter i en patientjournal?",
                     text_en="Which class do the data in a patient record have?",
                     options_sv=["Öppen", "Intern", "Känslig"], options_en=["Open", "Internal", "Sensitive"],
                     correct=2, explanation_sv="Journaluppgifter är alltid känsliga och skyddas enligt riktlinjen "
                     "för informationsklassning.", explanation_en="Patient records are always sensitive."),
        QuestionSpec(key="usb-okant", kind="choice", text_sv="Får du ansluta ett USB-minne du hittat?",
                     text_en="May you plug in a USB stick you found?", options_sv=["Ja", "Nej"],
                     options_en=["Yes", "No"], correct=1,
                     explanation_sv="Okända USB-minnen kan bära skadlig kod. Lämna dem till IT-servicedesk.",
                     explanation_en="Unknown USB sticks may carry malware. Hand them to the IT service desk."),
        QuestionSpec(key="incident-vet-vart", kind="scale",
                     text_sv="Jag vet vart jag ska vända mig om jag misstänker en säkerhetsincident.",
                     text_en="I know where to turn if I suspect a security incident.",
                     explanation_sv="Ring IT-servicedesk, dygnet runt, och berätta för din chef.",
                     explanation_en="Call the IT service desk, day and night, and tell your manager."),
    ]


def _pulse(title: str, opens_on, closes_on) -> Pulse:
    existing = db.session.scalar(select(Pulse).where(Pulse.title_sv == title))
    if existing is not None:
        return existing
    spec = PulseSpec(title_sv=title, title_en=title.replace("Kännedomsmätning", "Awareness pulse"),
                     opens_on=opens_on, closes_on=closes_on, questions=_questions(), audience="all")
    pulse = operations.create_pulse(spec)
    people = list(db.session.scalars(select(Person.id).where(Person.active.is_(True)).order_by(Person.id)))
    operations.ensure_participants(pulse, people)
    pulse.invited_at = datetime.combine(opens_on, time(7), tzinfo=local_tz())
    return pulse


def _answers(pulse: Pulse, rng: random.Random) -> int:
    if pulse.reminded_at is not None:  # answered on the first load
        return 0
    people = list(db.session.scalars(select(Person).where(Person.active.is_(True), Person.username != "anstalld")
                                     .order_by(Person.username)))
    answered = 0
    for person in people:
        if rng.random() > 0.5:
            continue
        day = pulse.opens_on + timedelta(days=rng.randrange(0, (pulse.closes_on - pulse.opens_on).days + 1))
        choices = {q.id: rng.choices(range(len(w)), weights=w)[0] for q, w in zip(pulse.questions, WEIGHTS)}
        operations.answer(pulse, person, choices, datetime.combine(day, time(10), tzinfo=local_tz()))
        answered += 1
    pulse.reminded_at = datetime.combine(pulse.closes_on - timedelta(days=2), time(7), tzinfo=local_tz())
    return answered


def _apt(now: datetime, rng: random.Random) -> int:
    if db.session.scalar(select(Activity.id).where(Activity.title == APT_TITLE)) is not None:
        return 0
    title = dates.october_title(now.astimezone(local_tz()).date())
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == title))
    admin = db.session.scalar(select(Person).where(Person.username == "admin"))
    if campaign is None or admin is None:
        return 0
    activity = Activity(campaign=campaign, uid=new_uid(), title=APT_TITLE, theme=campaign.themes[0], kind="apt",
                        description="Bildspel och samtalsfrågor för arbetsplatsträffen.",
                        starts_at=now - timedelta(days=10), ends_at=now + timedelta(days=20), whole_region=True,
                        organiser_id=admin.id, status="confirmed", created_at=now - timedelta(days=14))
    db.session.add(activity)
    db.session.flush()
    confirmed = 0
    managers = db.session.scalars(select(Person).where(Person.active.is_(True), Person.subtree_size > 0,
                                                       Person.username != MANAGER).order_by(Person.username))
    chef_unit = db.session.scalar(select(Person.unit_id).where(Person.username == MANAGER))
    done_units: set[int | None] = {chef_unit}  # the demo manager's unit is left for the demo
    for manager in managers:
        if manager.unit_id in done_units or rng.random() > 0.5 or manager.unit_id is None:
            continue
        apt_ops.confirm(activity, manager.unit_id, manager, (now - timedelta(days=rng.randrange(1, 9))).date(),
                        rng.randrange(5, 30), now)
        done_units.add(manager.unit_id)
        confirmed += 1
    return confirmed


def _apt_messages(now: datetime, rng: random.Random) -> None:
    """About half of the units confirm each APT plan message whose deadline has passed (once)."""
    for material in all_materials():
        if material.kind != MESSAGE or material.deadline > now or apt_queries.confirmations(material):
            continue
        first = datetime.combine(material.deadline.astimezone(local_tz()).date(), time(12), tzinfo=local_tz())
        managers = db.session.scalars(select(Person).where(Person.active.is_(True), Person.subtree_size > 0,
                                                           Person.username != MANAGER).order_by(Person.username))
        expected = {u.id for u in apt_queries.expected_units(material)}
        done: set[int | None] = set()
        for manager in managers:
            if manager.unit_id in done or manager.unit_id not in expected or rng.random() > 0.55:
                continue
            at = first - timedelta(days=rng.randrange(2, 25))
            apt_ops.confirm(material, manager.unit_id, manager, at.date(), rng.randrange(5, 30), at)
            done.add(manager.unit_id)


def _went_out(material: Material, now: datetime) -> datetime:
    """When the real flow would have queued the material's APT mail: an activity when it was saved,
    a message when it was published."""
    if material.kind == ACTIVITY:
        activity = db.session.get(Activity, material.id)
        at = activity.created_at if activity is not None else None
    else:
        message = db.session.get(PlanMessage, material.id)
        at = message.sent_at if message is not None else None
    return min(at or now, now)


def _apt_mails(now: datetime) -> int:
    """Queue the APT mail of every material; the outbox keys make a second load queue nothing."""
    return sum(announce.announce(material, _went_out(material, now)) for material in all_materials())


def load_demo_pulse() -> dict:
    now = utcnow()
    today = now.astimezone(local_tz()).date()
    rng = random.Random(20)
    closed = _pulse(CLOSED_TITLE, today - timedelta(days=60), today - timedelta(days=46))
    answered = _answers(closed, rng)
    opened = _pulse(OPEN_TITLE, today - timedelta(days=2), today + timedelta(days=10))
    confirmed = _apt(now, rng)
    _apt_messages(now, rng)
    mails = _apt_mails(now)
    db.session.commit()
    apt = db.session.scalar(select(Activity).where(Activity.title == APT_TITLE)) if confirmed else None
    return {"closed_pulse": closed.id, "answers": answered, "open_pulse": opened.id, "apt_confirmed": confirmed,
            "apt_mails": mails, "apt_units": len(apt_queries.expected_units(apt)) if apt is not None else 0}
