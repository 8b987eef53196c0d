"""The computed KPIs: what each one counts, for one quarter, from the other packages' data.

* training: share completed and number overdue for the mandatory course, from training's
  KPI snapshot of the quarter's last day when there is one, else its status rule run as of
  that moment;
* campaign: awareness-month activities held in the quarter, plan messages sent or
  published per channel;
* invites: registrations to the awareness month's activities (seats taken, not the waiting list);
* pulse: the share of right answers in the latest pulse quiz that closed in the quarter;
* apt: the share of units that confirmed the quarter's APT materials.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select

from apt import queries as apt_queries
from apt.materials import all_materials as apt_materials
from extensions import db
from followup.quarters import quarter_start
from invites.queries import count_registrations
from main.i18n import local_tz
from models import Activity, Campaign, KpiSnapshot, PlanMessage, Requirement
from models.pulse import Pulse
from pulse import results as pulse_results
from training import facts
from training import queries as training_queries
from training.status import STATES, Counts

#: Notes stored with values (data, in Swedish like the rest of the report).
NO_REQUIREMENT = "Inget utbildningskrav finns."
NO_PULSE = "Ingen kännedomsmätning stängde under kvartalet."
NO_APT = "Inget APT-material hade sista datum under kvartalet."


@dataclass
class Computed:
    #: None when there is nothing to count (no requirement yet): nothing is recorded.
    value: float | None
    breakdown: dict | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def _start_utc(end: date) -> datetime:
    return datetime.combine(quarter_start(end), time(0, 0), tzinfo=local_tz())


def requirement() -> Requirement | None:
    """The mandatory course's requirement: the first active one."""
    return training_queries.requirement_for_course(None)


def training_counts(end: date, moment: datetime) -> Counts | None:
    """Region-wide counts on the quarter's last day: the snapshot if taken, else computed."""
    req = requirement()
    if req is None:
        return None
    total = Counts()
    rows = db.session.scalars(select(KpiSnapshot).where(
        KpiSnapshot.requirement_id == req.id, KpiSnapshot.taken_on == end)).all()
    if rows:
        for row in rows:
            total.merge(Counts(**{s: getattr(row, s) for s in STATES}))
        return total
    for status in facts.statuses(req, moment).values():
        total.add(status.state)
    return total


def completed_share(end: date, moment: datetime) -> Computed:
    counts = training_counts(end, moment)
    if counts is None:
        return Computed(None, note=NO_REQUIREMENT)
    return Computed(counts.percent if counts.percent is not None else 0.0,
                    {"required": counts.required, "completed": counts.completed, "exempt": counts.exempt})


def overdue(end: date, moment: datetime) -> Computed:
    counts = training_counts(end, moment)
    if counts is None:
        return Computed(None, note=NO_REQUIREMENT)
    return Computed(float(counts.overdue), {"required": counts.required})


def awareness_activities(end: date, moment: datetime) -> list[Activity]:
    """Activities held (ended, not cancelled) in the quarter, in campaigns that cover October."""
    found = db.session.scalars(select(Activity).join(Campaign).where(
        Activity.status != "cancelled", Activity.ends_at >= _start_utc(end), Activity.ends_at <= moment)).all()
    tz = local_tz()

    def in_october_campaign(a: Activity) -> bool:
        year = a.starts_at.astimezone(tz).year
        return a.campaign.starts_on <= date(year, 10, 31) and a.campaign.ends_on >= date(year, 10, 1)

    return [a for a in found if in_october_campaign(a)]


def activities_held(end: date, moment: datetime) -> Computed:
    held = awareness_activities(end, moment)
    return Computed(float(len(held)), dict(Counter(a.kind for a in held)))


def registrations(end: date, moment: datetime) -> Computed:
    held = awareness_activities(end, moment)
    return Computed(float(count_registrations([a.id for a in held], moment)))


def messages_sent(end: date, moment: datetime) -> Computed:
    rows = db.session.execute(select(PlanMessage.channel).where(
        PlanMessage.status.in_(("sent", "published")), PlanMessage.sent_at >= _start_utc(end),
        PlanMessage.sent_at <= moment)).scalars().all()
    per_channel = dict(sorted(Counter(rows).items()))
    return Computed(float(len(rows)), per_channel)


def pulse_share_right(end: date, moment: datetime) -> Computed:
    """The latest pulse that closed in the quarter (by `moment`): its region-wide share right."""
    today = moment.astimezone(local_tz()).date()
    pulse = db.session.scalar(select(Pulse).where(Pulse.closes_on >= quarter_start(end), Pulse.closes_on <= end,
                                                  Pulse.closes_on < today)
                              .order_by(Pulse.closes_on.desc(), Pulse.id.desc()).limit(1))
    if pulse is None:
        return Computed(None, note=NO_PULSE)
    value = pulse_results.region_share_right(pulse)
    if value is None:
        return Computed(None, note=NO_PULSE)
    return Computed(value, {"pulse_id": pulse.id, "title": pulse.title_sv})


def apt_coverage(end: date, moment: datetime) -> Computed:
    """APT materials whose deadline fell in the quarter (by `moment`): share of units that confirmed."""
    due = [m for m in apt_materials() if _start_utc(end) <= m.deadline <= moment]
    confirmed, expected = apt_queries.coverage_share(due)
    if not expected:
        return Computed(None, note=NO_APT)
    return Computed(100 * confirmed / expected, {"confirmed": confirmed, "expected": expected})


SOURCES: dict[str, Callable[[date, datetime], Computed]] = {
    "training_completed_share": completed_share,
    "training_overdue": overdue,
    "awareness_activities_held": activities_held,
    "awareness_registrations": registrations,
    "plan_messages_sent": messages_sent,
    "pulse_share_right": pulse_share_right,
    "apt_coverage": apt_coverage,
}
