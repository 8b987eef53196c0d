"""Writes for campaigns and their activities, and the copy of a campaign to the next year.

Activities feed calendar invites (invites/): `uid` never changes and `sequence` is bumped
on every change an invite must carry (title, time, place, link, status), per RFC 5545.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import signals
from campaign import markup, yearshift
from campaign.operations import PlanError, is_planner, load_units, record
from extensions import db
from invites import recurrence
from main.i18n import local_tz
from models import Activity, Campaign, Person, PlanMessage

#: Changes that make calendar invites update (bump `sequence`).
SIGNIFICANT = ("title", "starts_at", "ends_at", "place", "online_url", "status", "all_day", "rrule", "exdates",
               "overrides")


@dataclass
class CampaignData:
    title: str
    starts_on: date
    ends_on: date
    goals: str
    themes: list[str]
    owner_id: int


@dataclass
class ActivityData:
    title: str
    description: str
    theme: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    whole_region: bool
    capacity: int | None
    organiser_id: int
    status: str = "planned"
    unit_ids: list[int] = field(default_factory=list)
    #: Whole days (starts_at/ends_at local midnights, the end exclusive).
    all_day: bool = False
    #: RRULE value (invites/recurrence.py builds it), "" for one occurrence.
    rrule: str = ""
    #: Cancelled occurrences (original local starts, ISO).
    exdates: list[str] = field(default_factory=list)
    #: Moved occurrences ({"recurrence_id", "starts_at", "ends_at"}).
    overrides: list[dict] = field(default_factory=list)


def new_uid() -> str:
    return f"{uuid.uuid4()}@vaksam"


def _check_campaign(data: CampaignData, campaign: Campaign | None = None) -> None:
    if data.ends_on < data.starts_on:
        raise PlanError("end_before_start", "ends_on")
    if not data.themes:
        raise PlanError("no_themes", "themes")
    clash = db.session.scalar(select(Campaign.id).where(Campaign.title == data.title))
    if clash is not None and (campaign is None or clash != campaign.id):
        raise PlanError("duplicate_title", "title")


def save_campaign(data: CampaignData, actor: Person, now: datetime, campaign: Campaign | None = None) -> Campaign:
    """Create (campaign=None) or update a campaign."""
    if not is_planner(actor):
        raise PlanError("not_planner")
    _check_campaign(data, campaign)
    if campaign is None:
        campaign = Campaign(created_at=now)
        db.session.add(campaign)
    campaign.title, campaign.starts_on, campaign.ends_on = data.title, data.starts_on, data.ends_on
    campaign.goals, campaign.themes, campaign.owner_id = data.goals, list(data.themes), data.owner_id
    campaign.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # a concurrent create with the same title
        raise PlanError("duplicate_title", "title") from exc
    return campaign


def _check_activity(campaign: Campaign, data: ActivityData, now: datetime, activity: Activity | None) -> None:
    if data.ends_at <= data.starts_at:
        raise PlanError("end_before_start", "ends_at")
    if (activity is None or activity.starts_at != data.starts_at) and data.starts_at <= now:
        raise PlanError("in_past", "starts_at")
    if data.theme not in (campaign.themes or []):
        raise PlanError("unknown_theme", "theme")
    if not data.whole_region and not data.unit_ids:
        raise PlanError("no_units", "unit_ids")
    if not data.place.strip() and not data.online_url.strip():
        raise PlanError("no_place", "place")
    if data.online_url and not (re.match(r"^https?://[^\s/]+", data.online_url) and markup.safe_url(data.online_url)):
        raise PlanError("bad_url", "online_url")  # it becomes a link on employees' pages and in invites
    if data.capacity is not None and data.capacity < 1:
        raise PlanError("bad_capacity", "capacity")
    if data.rrule:
        try:
            if len(recurrence.starts(data.starts_at, data.rrule, local_tz(), data.all_day)) > recurrence.MAX_OCCURRENCES:
                raise PlanError("bad_recurrence", "repeat")
        except recurrence.RecurrenceError as exc:
            raise PlanError("bad_recurrence", "repeat") from exc


def find_activity_by_token(token: str | None) -> Activity | None:
    if not token:
        return None
    return db.session.scalar(select(Activity).where(Activity.form_token == token))


def save_activity(campaign: Campaign, data: ActivityData, actor: Person, now: datetime,
                  activity: Activity | None = None, form_token: str | None = None) -> Activity:
    """Create or update an activity; a repeated form token returns the activity it created."""
    if not is_planner(actor):
        raise PlanError("not_planner")
    if activity is None and (existing := find_activity_by_token(form_token)) is not None:
        return existing
    _check_activity(campaign, data, now, activity)
    units = [] if data.whole_region else load_units(data.unit_ids)
    created = activity is None
    if activity is None:
        activity = Activity(campaign=campaign, uid=new_uid(), sequence=0, created_at=now, form_token=form_token)
        db.session.add(activity)
    else:
        if any(getattr(activity, name) != getattr(data, name) for name in SIGNIFICANT):
            activity.sequence = (activity.sequence or 0) + 1
    for name in ("title", "description", "theme", "kind", "starts_at", "ends_at", "place", "online_url",
                 "whole_region", "capacity", "organiser_id", "status", "all_day", "rrule", "exdates", "overrides"):
        setattr(activity, name, getattr(data, name))
    activity.units = units
    activity.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the other click of a double click won the race for the token
        existing = find_activity_by_token(form_token)
        if existing is None:
            raise
        return existing
    # Calendar invitations follow the change (invites/ listens), in this same transaction.
    signals.activity_changed.send(signals.sender(), activity=activity, now=now,
                                  change="created" if created else "updated", actor_id=actor.id)
    return activity


@dataclass
class CopyReport:
    campaign: Campaign
    activities: int = 0
    messages: int = 0
    #: Titles of copied items whose new date falls outside the new campaign period.
    outside_period: list[str] = field(default_factory=list)


def next_title(title: str, year: int, years: int = 1) -> str:
    """"… oktober 2024" → "… oktober 2025"; a title without the year gets it appended."""
    if re.search(rf"\b{year}\b", title):
        return re.sub(rf"\b{year}\b", str(year + years), title)
    return f"{title} {year + years}"


def copy_to_next_year(campaign: Campaign, actor: Person, now: datetime, years: int = 1) -> CopyReport:
    """A new campaign one year on: activities (planned, new uids) on the same weekday of the same
    ISO week, plan messages as drafts at the same shifted times; cancelled items are left out."""
    if not is_planner(actor):
        raise PlanError("not_planner")
    tz = local_tz()
    starts_on, ends_on = yearshift.shift_period(campaign.starts_on, campaign.ends_on, years)
    data = CampaignData(next_title(campaign.title, campaign.starts_on.year, years), starts_on, ends_on,
                        campaign.goals, list(campaign.themes or []), campaign.owner_id)
    copy = save_campaign(data, actor, now)
    copy.copied_from_id = campaign.id
    report = CopyReport(copy)
    for old in campaign.activities:
        if old.status == "cancelled":
            continue
        new = Activity(campaign=copy, uid=new_uid(), sequence=0, created_at=now, updated_at=now, status="planned",
                       starts_at=yearshift.shift_datetime(old.starts_at, tz, years),
                       ends_at=yearshift.shift_datetime(old.ends_at, tz, years), units=list(old.units),
                       **{k: getattr(old, k) for k in ("title", "description", "theme", "kind", "place", "online_url",
                                                        "whole_region", "capacity", "organiser_id")})
        db.session.add(new)
        report.activities += 1
        _note_outside(report, new.title, new.starts_at, tz)
    messages = db.session.scalars(select(PlanMessage).where(PlanMessage.campaign_id == campaign.id,
                                                            PlanMessage.status != "cancelled"))
    for message in messages:
        draft = PlanMessage(campaign_id=copy.id, title=message.title, body=message.body, channel=message.channel,
                            audience=message.audience, units=list(message.units), owner_id=message.owner_id,
                            status="draft", planned_at=yearshift.shift_datetime(message.planned_at, tz, years),
                            created_by_id=actor.id, created_at=now, updated_at=now)
        record(draft, "", "draft", actor, now, f"Kopierad från ”{campaign.title}”.")
        db.session.add(draft)
        report.messages += 1
        _note_outside(report, draft.title, draft.planned_at, tz)
    db.session.flush()
    return report


def _note_outside(report: CopyReport, title: str, moment: datetime, tz) -> None:
    day = moment.astimezone(tz).date()
    if not report.campaign.starts_on <= day <= report.campaign.ends_on:
        report.outside_period.append(title)
