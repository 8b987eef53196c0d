"""Reads for the campaign pages: the plan table, a month of items, tasks, and the
activities an employee may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from extensions import db
from invites import recurrence
from main.i18n import local_tz
from models import Activity, Campaign, OutboxMessage, Person, PlanMessage, PlanTask, PlanTransition, RoleGrant, Unit
from models.campaign import MESSAGE_STATUSES, activity_unit

PAGE_SIZE = 100

SORTS = {
    "planned_at": (PlanMessage.planned_at,),
    "title": (func.lower(PlanMessage.title),),
    "channel": (PlanMessage.channel, PlanMessage.planned_at),
    "status": (PlanMessage.status, PlanMessage.planned_at),
    "owner": (Person.family_name, Person.given_name, PlanMessage.planned_at),
}


@dataclass
class PlanFilters:
    channel: str = ""
    status: str = ""
    month: str = ""  # "2024-10"
    audience: str = ""
    owner: int | None = None
    campaign: int | None = None
    sort: str = "planned_at"
    desc: bool = False
    page: int = 1

    def args(self, **changes) -> dict:
        """URL arguments for links that keep the filters (empty ones left out)."""
        values = {**self.__dict__, **changes}
        values["desc"] = "1" if values["desc"] else None
        return {k: v for k, v in values.items() if v not in (None, "", 1) or (k == "page" and v != 1)}


def parse_month(value: str) -> date | None:
    """"2024-10" → 1 October 2024; None for anything else."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1) if 1900 < year < 3000 else None
    except ValueError:
        return None


def month_bounds_utc(first: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar month in UTC."""
    tz = local_tz()
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(timezone.utc)
    return start, datetime.combine(following, time(0), tzinfo=tz).astimezone(timezone.utc)


def _filtered(f: PlanFilters) -> Select:
    stmt = select(PlanMessage).join(Person, Person.id == PlanMessage.owner_id)
    if f.channel:
        stmt = stmt.where(PlanMessage.channel == f.channel)
    if f.status in MESSAGE_STATUSES:
        stmt = stmt.where(PlanMessage.status == f.status)
    if f.audience:
        stmt = stmt.where(PlanMessage.audience == f.audience)
    if f.owner:
        stmt = stmt.where(PlanMessage.owner_id == f.owner)
    if f.campaign:
        stmt = stmt.where(PlanMessage.campaign_id == f.campaign)
    first = parse_month(f.month)
    if first:
        start, end = month_bounds_utc(first)
        stmt = stmt.where(PlanMessage.planned_at >= start, PlanMessage.planned_at < end)
    return stmt


@dataclass
class PlanPage:
    items: list[PlanMessage]
    total: int
    page: int
    pages: int


def plan_page(f: PlanFilters, page_size: int = PAGE_SIZE) -> PlanPage:
    stmt = _filtered(f)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(f.page, 1), pages)
    items = db.session.scalars(_ordered(stmt, f).options(selectinload(PlanMessage.units))
                               .limit(page_size).offset((page - 1) * page_size)).all()
    return PlanPage(list(items), total, page, pages)


def plan_rows(f: PlanFilters) -> list[PlanMessage]:
    """Every message matching the filters (for the export)."""
    return list(db.session.scalars(_ordered(_filtered(f), f).options(selectinload(PlanMessage.units))))


def _ordered(stmt: Select, f: PlanFilters) -> Select:
    cols = SORTS.get(f.sort, SORTS["planned_at"])
    return stmt.order_by(*[c.desc() if f.desc else c.asc() for c in cols], PlanMessage.id)


def planners() -> list[Person]:
    """Active comms staff and admins: who can own messages and organise activities."""
    ids = select(RoleGrant.person_id).where(RoleGrant.role.in_(("comms", "admin")))
    return list(db.session.scalars(select(Person).where(Person.active.is_(True), Person.id.in_(ids))
                                   .order_by(Person.family_name, Person.given_name)))


def person_by_username(username: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.username == username))


def planner_choices(current: Person | None = None) -> list[tuple[int, str]]:
    """Planners as (id, name) choices, plus `current` (the owner or organiser saved on the item)
    when they are no longer a planner, so editing does not silently change who it is."""
    people = planners()
    if current is not None and current.id not in {p.id for p in people}:
        people.append(current)
    return [(p.id, p.name) for p in people]


def unit_choices() -> list[tuple[int, str]]:
    """Active units as (id, "indented name"), in tree order, for the audience pickers."""
    units = list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)))
    children: dict[int | None, list[Unit]] = {}
    known = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        children.setdefault(parent, []).append(unit)
    out: list[tuple[int, str]] = []

    def walk(parent, depth, seen):
        for unit in children.get(parent, []):
            if unit.id in seen:
                continue
            out.append((unit.id, "\u2003" * depth + unit.name))
            walk(unit.id, depth + 1, seen | {unit.id})

    walk(None, 0, frozenset())
    return out


def campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.title)))


def messages_of(campaign: Campaign) -> list[PlanMessage]:
    return list(db.session.scalars(select(PlanMessage).where(PlanMessage.campaign_id == campaign.id)
                                   .order_by(PlanMessage.planned_at, PlanMessage.id)))


def messages_between(start: datetime, end: datetime, include_cancelled: bool = False) -> list[PlanMessage]:
    stmt = select(PlanMessage).where(PlanMessage.planned_at >= start, PlanMessage.planned_at < end)
    if not include_cancelled:
        stmt = stmt.where(PlanMessage.status != "cancelled")
    return list(db.session.scalars(stmt.order_by(PlanMessage.planned_at, PlanMessage.id)))


def activities_between(start: datetime, end: datetime) -> list[Activity]:
    """Activities that overlap [start, end)."""
    return list(db.session.scalars(select(Activity).where(Activity.starts_at < end, Activity.ends_at > start)
                                   .order_by(Activity.starts_at, Activity.id)))


def occurrences_between(start: datetime, end: datetime) -> list[tuple[Activity, recurrence.Occurrence]]:
    """Every occurrence that overlaps [start, end): one per single activity, each of a series
    (cancelled occurrences left out, moved ones at their new time)."""
    tz = local_tz()
    rows = db.session.scalars(select(Activity).where(Activity.starts_at < end, or_(
        Activity.ends_at > start, Activity.rrule != "")).order_by(Activity.starts_at, Activity.id))
    found = []
    for activity in rows:
        items = recurrence.occurrences(activity.starts_at, activity.ends_at, activity.rrule, tz,
                                       all_day=activity.all_day, exdates=activity.exdates or [],
                                       overrides=activity.overrides or [])
        found += [(activity, o) for o in recurrence.in_window(items, start, end)]
    return sorted(found, key=lambda pair: (pair[1].starts_at, pair[0].id))


def campaigns_between(first: date, last: date) -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).where(Campaign.starts_on <= last, Campaign.ends_on >= first)
                                   .order_by(Campaign.starts_on)))


def open_tasks(owner: Person | None) -> list[PlanTask]:
    """Open "publish now" tasks, of one owner or (owner=None) everybody's."""
    stmt = select(PlanTask).where(PlanTask.done_at.is_(None))
    if owner is not None:
        stmt = stmt.where(PlanTask.owner_id == owner.id)
    return list(db.session.scalars(stmt.order_by(PlanTask.created_at, PlanTask.id)))


def _unit_and_above(unit_id: int | None) -> set[int]:
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).tuples().all())
    found: set[int] = set()
    while unit_id is not None and unit_id not in found:
        found.add(unit_id)
        unit_id = parents.get(unit_id)
    return found


def activities_for(person: Person) -> list[Activity]:
    """Confirmed activities open to the person: whole-region ones and those for their unit
    or any unit above it. Planned (unconfirmed) and cancelled ones are not shown."""
    units = _unit_and_above(person.unit_id)
    for_units = select(activity_unit.c.activity_id).where(activity_unit.c.unit_id.in_(units or {-1}))
    return list(db.session.scalars(
        select(Activity).where(Activity.status == "confirmed",
                               or_(Activity.whole_region.is_(True), Activity.id.in_(for_units)))
        .order_by(Activity.starts_at, Activity.id)))


def delivery_counts(message_ids: list[int]) -> dict[int, dict[str, int]]:
    """{plan message id: {outbox status: count}} for the e-mails of each message."""
    if not message_ids:
        return {}
    result: dict[int, dict[str, int]] = {}
    for related_id, status, n in db.session.execute(
            select(OutboxMessage.related_id, OutboxMessage.status, func.count()).where(
                OutboxMessage.related_type == "plan_message",
                OutboxMessage.related_id.in_([str(i) for i in message_ids]))
            .group_by(OutboxMessage.related_id, OutboxMessage.status)):
        result.setdefault(int(related_id), {})[status] = n
    return result


def delivery_failures(message_id: int, limit: int = 20) -> list[tuple[str, str]]:
    """(recipient address, reason) of the message's e-mails that failed, for comms staff."""
    return [(address, error or "") for address, error in db.session.execute(
        select(OutboxMessage.recipient_email, OutboxMessage.last_error).where(
            OutboxMessage.related_type == "plan_message", OutboxMessage.related_id == str(message_id),
            OutboxMessage.status == "failed").order_by(OutboxMessage.id).limit(limit))]


#: The workflow's main line, in order, as the step indicator shows it.
STEPS = ("draft", "review", "approved", "scheduled", "sent")


def steps(message: PlanMessage) -> list[tuple[str, PlanTransition | None, bool]]:
    """(status, the last move into it or None, whether the message is there or past it) per step."""
    final = "published" if message.status == "published" else "sent"
    order = [*STEPS[:-1], final]
    reached = order.index(message.status) if message.status in order else -1
    last: dict[str, PlanTransition] = {}
    for t in sorted(message.transitions, key=lambda t: (t.at, t.id or 0)):
        last[t.to_status] = t
    return [(status, last.get(status) if i <= reached else None, i <= reached) for i, status in enumerate(order)]


def outside_period(campaign: Campaign | None, moment: datetime) -> bool:
    """Whether `moment` (local day) falls outside the campaign's period (False without a campaign)."""
    if campaign is None:
        return False
    return not campaign.starts_on <= moment.astimezone(local_tz()).date() <= campaign.ends_on
