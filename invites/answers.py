"""Reads of attendees' answers: per activity (counts, names, delegations, counter-proposals)
for its planners, and the replies that matched nothing, for admins."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from extensions import db
from invites import registration
from models import Activity, Attendee, Person, Reply

#: Answer keys in the order shown; None (no answer yet) is "no_answer".
KEYS = ("ACCEPTED", "TENTATIVE", "DECLINED", "DELEGATED", "no_answer")


@dataclass(frozen=True)
class Row:
    name: str
    email: str
    answer: str
    answered_at: object
    delegated_to: str


@dataclass(frozen=True)
class Answers:
    """How an activity's invited people have answered."""

    invited: int
    counts: dict[str, int]
    registered: int
    waiting: int
    people: list[Row]
    counters: list[Reply]


def for_activity(activity: Activity) -> Answers:
    """Everyone still invited (wanted), with their answer; counter-proposals newest first."""
    rows = db.session.execute(
        select(Person.display_name, Person.given_name, Person.family_name, Person.email, Attendee.partstat,
               Attendee.answered_at, Attendee.delegated_to)
        .join(Person, Person.id == Attendee.person_id)
        .where(Attendee.activity_id == activity.id, Attendee.wanted.is_(True))
        .order_by(Person.family_name, Person.given_name, Person.id)).all()
    people = [Row(display or f"{given} {family}".strip(), email or "", partstat or "no_answer", at, delegated or "")
              for display, given, family, email, partstat, at, delegated in rows]
    counts = dict.fromkeys(KEYS, 0)
    for row in people:
        counts[row.answer] = counts.get(row.answer, 0) + 1
    n = registration.counts([activity.id]).get(activity.id, {})
    counters = list(db.session.scalars(select(Reply).where(Reply.activity_id == activity.id,
                                                           Reply.outcome == "counter")
                                       .order_by(Reply.received_at.desc(), Reply.id.desc()).limit(50)))
    return Answers(len(people), counts, n.get("registered", 0), n.get("waiting", 0), people, counters)


def unknown(limit: int = 200) -> tuple[int, list[Reply]]:
    """Replies that matched nothing or could not be read: (how many in all, the newest `limit`)."""
    where = Reply.outcome.in_(("unmatched", "malformed"))
    total = db.session.scalar(select(func.count()).select_from(Reply).where(where)) or 0
    rows = list(db.session.scalars(select(Reply).where(where).order_by(Reply.received_at.desc(), Reply.id.desc())
                                   .limit(limit)))
    return total, rows
