"""Registration for activities with a capacity, with a waiting list that moves up by itself.

* First come, first served: seats go in `queued_at` order; a full activity puts the person
  on the waiting list, and a freed seat (an unregistration, a larger capacity) goes to the
  first one waiting, who then gets the invitation.
* Registering sends the invitation; unregistering sends a CANCEL to that person only.
* The activity row is locked (a no-op UPDATE: a row lock on PostgreSQL, the write lock on
  SQLite) while seats are counted, so two people cannot both take the last seat; the unique
  (activity, person) constraint makes a double-clicked "register" one registration.

Every function works in the caller's transaction and flushes; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from directory import tree
from extensions import db
from models.base import table_of
from invites import operations, rules
from invites.operations import InviteError
from models import Activity, Attendee, Person, Registration

REGISTERED, WAITING, CANCELLED = "registered", "waiting", "cancelled"


@dataclass(frozen=True)
class Outcome:
    """What register/unregister did, for the message shown to the person."""

    #: registered, waiting, cancelled, or "unchanged" (a repeated click).
    status: str
    registration: Registration | None
    #: Ids of people moved up from the waiting list by this change.
    promoted: tuple[int, ...] = ()


def may_join(activity: Activity, person: Person) -> bool:
    """The activity is for everyone, or for a unit the person belongs to (units below included)."""
    if activity.whole_region:
        return True
    return person.unit_id is not None and person.unit_id in tree.unit_ids_below(u.id for u in activity.units)


def _lock(activity: Activity) -> None:
    """Serialise seat counting per activity: a no-op UPDATE of its row locks it on PostgreSQL and
    takes SQLite's write lock, so the transaction's later reads see any concurrent registration."""
    table = table_of(Activity)
    db.session.execute(update(table).where(table.c.id == activity.id).values(updated_at=table.c.updated_at))


def registered_count(activity: Activity) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.activity_id == activity.id, Registration.status == REGISTERED)) or 0


def _find(activity: Activity, person: Person) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.activity_id == activity.id,
                                                        Registration.person_id == person.id))


def _check_open(activity: Activity, person: Person, now: datetime) -> None:
    if activity.capacity is None:
        raise InviteError("no_registration")
    if activity.status != "confirmed":
        raise InviteError("not_confirmed")
    if activity.starts_at <= now:
        raise InviteError("started")
    if not person.active or not may_join(activity, person):
        raise InviteError("not_for_you")


def register(activity: Activity, person: Person, now: datetime) -> Outcome:
    """Take a seat, or a place on the waiting list when the activity is full."""
    _check_open(activity, person, now)
    _lock(activity)
    registration = _find(activity, person)
    if registration is not None and registration.status in (REGISTERED, WAITING):
        return Outcome("unchanged", registration)
    status = REGISTERED if activity.capacity is None or registered_count(activity) < activity.capacity else WAITING
    if registration is None:
        registration = Registration(activity_id=activity.id, person_id=person.id, created_at=now)
        try:
            with db.session.begin_nested():
                _set(registration, status, now)
                db.session.add(registration)
                db.session.flush()
        except IntegrityError:  # the other click of a double click registered first
            return Outcome("unchanged", _find(activity, person))
    else:
        _set(registration, status, now)
    if status == REGISTERED:
        operations.set_wanted(activity, person, True, "registration", now)
        operations.sync(activity, now, person_ids=[person.id])
    else:
        db.session.flush()
        operations.send_waiting_mail(activity, person, waiting_place(registration), now)
    db.session.flush()
    return Outcome(status, registration)


def waiting_place(own: Registration) -> int:
    """Place on the waiting list (1 = next)."""
    ahead = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.activity_id == own.activity_id, Registration.status == WAITING,
        or_(Registration.queued_at < own.queued_at,
            and_(Registration.queued_at == own.queued_at, Registration.id < own.id)))) or 0
    return ahead + 1


def _set(registration: Registration, status: str, now: datetime) -> None:
    registration.status, registration.queued_at, registration.updated_at = status, now, now


def unregister(activity: Activity, person: Person, now: datetime) -> Outcome:
    """Give up a seat (the person gets a CANCEL, the first one waiting gets the seat) or a
    place on the waiting list."""
    if activity.starts_at <= now:
        raise InviteError("started")
    _lock(activity)
    registration = _find(activity, person)
    if registration is None or registration.status == CANCELLED:
        return Outcome("unchanged", registration)
    had_seat = registration.status == REGISTERED
    registration.status, registration.updated_at = CANCELLED, now
    promoted: tuple[int, ...] = ()
    if had_seat:
        if operations.set_wanted(activity, person, False, "registration", now) is not None:
            operations.sync(activity, now, person_ids=[person.id])
        promoted = fill_free_seats(activity, now)
    db.session.flush()
    return Outcome(CANCELLED, registration, promoted)


def decline(activity: Activity, attendee: Attendee, now: datetime) -> tuple[int, ...]:
    """The person answered Decline in their calendar: a registered seat is given up and the
    first one waiting moves up. Their client has already removed the event, so they get no
    CANCEL; their copy counts as cancelled (a later re-registration sends a higher SEQUENCE)."""
    if activity.capacity is None or activity.starts_at <= now:
        return ()
    _lock(activity)
    reg = db.session.scalar(select(Registration).where(Registration.activity_id == activity.id,
                                                       Registration.person_id == attendee.person_id))
    if reg is None or reg.status != REGISTERED:
        return ()
    reg.status, reg.updated_at = CANCELLED, now
    attendee.wanted = False
    if attendee.method is not None:
        attendee.method = rules.CANCEL
    db.session.flush()
    return fill_free_seats(activity, now)


def fill_free_seats(activity: Activity, now: datetime) -> tuple[int, ...]:
    """Move the first ones waiting up into free seats and invite them; ids of those moved."""
    if activity.status != "confirmed" or activity.starts_at <= now:
        return ()
    _lock(activity)
    stmt = (select(Registration).where(Registration.activity_id == activity.id, Registration.status == WAITING)
            .order_by(Registration.queued_at, Registration.id))
    if activity.capacity is not None:
        free = activity.capacity - registered_count(activity)
        if free <= 0:
            return ()
        stmt = stmt.limit(free)
    moved = list(db.session.scalars(stmt))
    for registration in moved:
        registration.status, registration.updated_at = REGISTERED, now
        operations.set_wanted(activity, registration.person, True, "registration", now)
    db.session.flush()
    ids = tuple(r.person_id for r in moved)
    if ids:
        operations.sync(activity, now, person_ids=ids, promoted=ids)
    return ids


def release_leavers(now: datetime) -> int:
    """Give up the seats and waiting places of people who have left (deactivated by the directory
    sync) in activities not yet started, so the waiting list moves up; returns how many."""
    rows = db.session.execute(
        select(Activity, Person).join(Registration, Registration.activity_id == Activity.id)
        .join(Person, Person.id == Registration.person_id)
        .where(Person.active.is_(False), Registration.status.in_((REGISTERED, WAITING)), Activity.starts_at > now)
        .order_by(Activity.id, Registration.queued_at)).tuples().all()
    for activity, person in rows:
        unregister(activity, person, now)
    return len(rows)


def status_for(person: Person, activity_ids: list[int]) -> dict[int, Registration]:
    """The person's registrations among these activities (for the activity list)."""
    if not activity_ids:
        return {}
    rows = db.session.scalars(select(Registration).where(Registration.person_id == person.id,
                                                         Registration.activity_id.in_(activity_ids)))
    return {r.activity_id: r for r in rows}


def counts(activity_ids: list[int]) -> dict[int, dict[str, int]]:
    """{activity id: {"registered": n, "waiting": m}}."""
    out: dict[int, dict[str, int]] = {}
    if not activity_ids:
        return out
    rows = db.session.execute(select(Registration.activity_id, Registration.status, func.count())
                              .where(Registration.activity_id.in_(activity_ids),
                                     Registration.status.in_((REGISTERED, WAITING)))
                              .group_by(Registration.activity_id, Registration.status))
    for activity_id, status, n in rows:
        out.setdefault(activity_id, {REGISTERED: 0, WAITING: 0})[status] = n
    return out
