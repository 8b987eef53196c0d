"""Reads for the invitation pages: may a person get an activity's calendar, their registration
states in a list of activities, the planners' summary of an activity's invitations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from extensions import db
from invites import registration
from invites.feeds import SHOWN
from models import Activity, Attendee, Campaign, Person, Registration


def is_planner(person: Person) -> bool:
    return person.has_role("comms", "admin")


def may_see_answers(person: Person, activity: Activity) -> bool:
    """Who invited whom and who answered what: planners, and the activity's own organiser."""
    return is_planner(person) or activity.organiser_id == person.id


def may_download(person: Person, activity: Activity) -> bool:
    """Planners: any activity. Others: a confirmed or cancelled one that is for them or that they registered for."""
    if is_planner(person):
        return True
    if activity.status not in SHOWN:
        return False
    if registration.may_join(activity, person):
        return True
    return db.session.scalar(select(Registration.id).where(Registration.activity_id == activity.id,
                                                           Registration.person_id == person.id)) is not None


@dataclass(frozen=True)
class State:
    """An activity's registration state as one person sees it."""

    capacity: int | None
    registered: int
    waiting: int
    #: The person's status (registered, waiting, cancelled) or None.
    mine: str | None
    #: Place on the waiting list (1 = next), when waiting.
    place: int | None

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.registered)


def states(person: Person, activities: list[Activity]) -> dict[int, State]:
    ids = [a.id for a in activities if a.capacity is not None]
    counts = registration.counts(ids)
    mine = registration.status_for(person, ids)
    out = {}
    for activity in activities:
        if activity.capacity is None:
            continue
        own = mine.get(activity.id)
        n = counts.get(activity.id, {})
        out[activity.id] = State(activity.capacity, n.get("registered", 0), n.get("waiting", 0),
                                 own.status if own else None, _place(own) if own and own.status == "waiting" else None)
    return out


def _place(own: Registration) -> int:
    return registration.waiting_place(own)


@dataclass(frozen=True)
class Summary:
    """For planners: how an activity's invitations stand."""

    invited: int
    removed: int
    not_sent: int
    registered: int
    waiting: int


def summary(activity: Activity) -> Summary:
    rows: dict[bool, int] = {wanted: n for wanted, n in db.session.execute(
        select(Attendee.wanted, func.count()).where(Attendee.activity_id == activity.id).group_by(Attendee.wanted))}
    not_sent = db.session.scalar(select(func.count()).select_from(Attendee).where(
        Attendee.activity_id == activity.id, Attendee.wanted.is_(True), Attendee.method.is_(None))) or 0
    n = registration.counts([activity.id]).get(activity.id, {})
    return Summary(rows.get(True, 0), rows.get(False, 0), not_sent, n.get("registered", 0), n.get("waiting", 0))


def feed_campaigns(today: date) -> list[Campaign]:
    """Campaigns offered as feeds: running, coming, or ended within the last year."""
    return list(db.session.scalars(select(Campaign).where(Campaign.ends_on >= today - timedelta(days=365))
                                   .order_by(Campaign.starts_on.desc(), Campaign.title)))


def count_registrations(activity_ids: list[int], as_of) -> int:
    """Registrations (not waiting, not cancelled) for the activities, made by `as_of`:
    the follow-up KPI "registrations to the awareness month's activities"."""
    if not activity_ids:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.activity_id.in_(activity_ids), Registration.status == "registered",
            Registration.created_at <= as_of)
    ) or 0
