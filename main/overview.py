"""What the start page ("Översikt") shows each role: reads only, one function per role.

Managers get a card per requirement (their whole team), employees their own status and
activities, comms staff their review queue and the last messages out, admins the region's
figures and what needs attention. Each function takes `now`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from campaign import queries as campaign_queries
from extensions import db
from invites import queries as invite_queries
from main.i18n import local_tz
from models import (
    Action,
    Activity,
    DirectorySyncRun,
    ImportBatch,
    OutboxMessage,
    Person,
    PersonStatus,
    PlanMessage,
    PlanTransition,
    Requirement,
)
from training import explain, facts, person_queries
from training import queries as training_queries
from training.status import Counts, Status, local_date


@dataclass
class ManagerCard:
    """One requirement as the manager's whole team stands."""

    requirement: Requirement
    counts: Counts

    @property
    def todo(self) -> int:
        return self.counts.required - self.counts.completed - self.counts.exempt


def manager_cards(manager: Person, now: datetime) -> list[ManagerCard]:
    return [ManagerCard(r, training_queries.team_summary(r, manager).everyone) for r in facts.active_requirements()]


@dataclass
class EmployeeItem:
    requirement: Requirement
    status: Status | None
    #: One sentence saying where the person stands and why.
    sentence: str
    course_url: str


@dataclass
class EmployeeView:
    items: list[EmployeeItem]
    #: Upcoming activities the person is registered for.
    registered: list[Activity] = field(default_factory=list)
    #: Other upcoming activities open to the person (their units' and the whole region's).
    open: list[Activity] = field(default_factory=list)


#: How many activities each list on the start page shows.
ACTIVITY_LIMIT = 5


def employee_view(person: Person, now: datetime) -> EmployeeView:
    history = person_queries.person_history(person)
    items = []
    for item in person_queries.person_training(person, now, current_app.config["COURSE_URL"]):
        sentence = explain.status_sentence(item.requirement, item.status, history, local_date(now, local_tz()))
        items.append(EmployeeItem(item.requirement, item.status, sentence, item.course_url))
    upcoming = [a for a in campaign_queries.activities_for(person) if a.ends_at >= now]
    states = invite_queries.states(person, upcoming)
    mine = {aid for aid, state in states.items() if state.mine in ("registered", "waiting")}
    return EmployeeView(items, [a for a in upcoming if a.id in mine][:ACTIVITY_LIMIT],
                        [a for a in upcoming if a.id not in mine][:ACTIVITY_LIMIT])


@dataclass
class SentMessage:
    message: PlanMessage
    #: {outbox status: count} for the e-mails the message went out as.
    delivery: dict[str, int]


@dataclass
class CommsView:
    #: Messages in review that this person may approve (not the one who sent them for review).
    to_review: list[PlanMessage]
    #: Approved or scheduled messages, soonest first.
    next_out: list[PlanMessage]
    #: The last messages sent or published, with their delivery.
    last_sent: list[SentMessage]


def comms_view(person: Person, now: datetime, limit: int = 5) -> CommsView:
    review = list(db.session.scalars(select(PlanMessage).where(PlanMessage.status == "review")
                                     .order_by(PlanMessage.planned_at).limit(50)))
    submitters = last_actor(([m.id for m in review]), "review")
    to_review = [m for m in review if submitters.get(m.id) != person.id][:limit]
    next_out = list(db.session.scalars(select(PlanMessage).where(
        PlanMessage.status.in_(("approved", "scheduled")), PlanMessage.planned_at >= now - timedelta(days=1))
        .order_by(PlanMessage.planned_at).limit(limit)))
    sent = list(db.session.scalars(select(PlanMessage).where(PlanMessage.status.in_(("sent", "published")))
                                   .order_by(PlanMessage.sent_at.desc().nulls_last(), PlanMessage.id.desc())
                                   .limit(limit)))
    deliveries = campaign_queries.delivery_counts([m.id for m in sent])
    return CommsView(to_review, next_out, [SentMessage(m, deliveries.get(m.id, {})) for m in sent])


def last_actor(message_ids: list[int], to_status: str) -> dict[int, int | None]:
    """Who last moved each message to `to_status` ({message id: person id})."""
    if not message_ids:
        return {}
    result: dict[int, int | None] = {}
    for message_id, actor_id in db.session.execute(
            select(PlanTransition.message_id, PlanTransition.actor_id).where(
                PlanTransition.message_id.in_(message_ids), PlanTransition.to_status == to_status)
            .order_by(PlanTransition.at, PlanTransition.id)):
        result[message_id] = actor_id
    return result


@dataclass
class AdminView:
    #: [(requirement, region-wide counts)]
    region: list[tuple[Requirement, Counts]]
    last_sync: DirectorySyncRun | None
    last_import: ImportBatch | None
    #: Mails that failed in the last 24 hours.
    mail_failures: int
    #: Follow-up actions past their due date and not done.
    late_actions: int


def admin_view(now: datetime) -> AdminView:
    region = []
    for requirement in facts.active_requirements():
        counts = Counts()
        for state, n in db.session.execute(select(PersonStatus.state, func.count()).where(
                PersonStatus.requirement_id == requirement.id).group_by(PersonStatus.state)):
            counts.add(state, n)
        region.append((requirement, counts))
    today: date = local_date(now, local_tz())
    return AdminView(
        region=region,
        last_sync=db.session.scalar(select(DirectorySyncRun).where(DirectorySyncRun.outcome.not_in(
            ("requested", "running"))).order_by(DirectorySyncRun.started_at.desc()).limit(1)),
        last_import=db.session.scalar(select(ImportBatch).order_by(ImportBatch.created_at.desc()).limit(1)),
        mail_failures=db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "failed", OutboxMessage.created_at >= now - timedelta(hours=24))) or 0,
        late_actions=db.session.scalar(select(func.count()).select_from(Action).where(
            Action.due_on < today, Action.status.not_in(("done", "postponed")))) or 0,
    )
