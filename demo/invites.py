"""Calendar invitations in the demo: registrations for the October awareness month's activities with seats
(as history), and a few upcoming open lectures the demo employee can register for today.

Idempotent: registrations are looked up before they are made, and the upcoming lectures are
created once (their dates are set relative to the day of the first load).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from campaign import activities as campaign_ops
from demo import dates
from extensions import db
from invites import registration
from models import Activity, Attendee, Campaign, Person, Registration, utcnow

UPCOMING_TITLE = "Öppna föreläsningar om informationssäkerhet"
EMPLOYEE = "anstalld"
#: (weekdays ahead, start, end, title, kind, place, online, capacity)
UPCOMING = [
    (5, "12:00", "12:45", "Lunchföreläsning: Nätfiske – så känner du igen det", "lecture", "Aulan, Regionhuset",
     True, 80),
    (8, "09:00", "10:00", "Workshop: Klassa informationen i ditt eget arbete", "lecture", "Sal 2, Regionhuset",
     False, 2),
    (12, "13:00", "13:30", "Webbinarium: Säker hantering av den egna arbetsdatorn", "webinar", "", True, None),
]
#: Demo people who fill the workshop, so the demo employee meets the waiting list.
WORKSHOP_FILLERS = 2


def _people() -> dict[str, Person]:
    return {p.username: p for p in db.session.scalars(
        select(Person).where(Person.username.in_([EMPLOYEE, "kommunikator"])))}


def _history(people: dict[str, Person], now: datetime) -> int:
    """The employee registered for the October lecture with seats, and was invited then."""
    lecture = db.session.scalar(select(Activity).join(Campaign).where(
        Campaign.title == dates.october_title(now.date()),
        Activity.title == "Lunchföreläsning: Klassa din information"))
    employee = people[EMPLOYEE]
    if lecture is None or db.session.scalar(select(Registration.id).where(
            Registration.activity_id == lecture.id, Registration.person_id == employee.id)) is not None:
        return 0
    when = min(lecture.starts_at - timedelta(days=12), now)
    db.session.add(Registration(activity_id=lecture.id, person_id=employee.id, status="registered",
                                queued_at=when, created_at=when, updated_at=when))
    db.session.add(Attendee(activity_id=lecture.id, person_id=employee.id, wanted=True, source="registration",
                            method="REQUEST", sequence=lecture.sequence, activity_sequence=lecture.sequence,
                            sent_at=when, created_at=when))
    return 1


def _weekday_ahead(today: date, n: int) -> date:
    day = today
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _upcoming(people: dict[str, Person], now: datetime) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == UPCOMING_TITLE))
    if campaign is not None:
        return campaign
    comms = people["kommunikator"]
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    today = now.astimezone(tz).date()
    last = _weekday_ahead(today, max(n for n, *_ in UPCOMING))
    campaign = campaign_ops.save_campaign(campaign_ops.CampaignData(
        UPCOMING_TITLE, today, last, "Korta föreläsningar för alla anställda.", ["Säkert Beteende"], comms.id),
        comms, now)
    for days, start, end, title, kind, place, online, capacity in UPCOMING:
        day = _weekday_ahead(today, days)
        at = [datetime.combine(day, time.fromisoformat(t), tzinfo=tz).astimezone(timezone.utc) for t in (start, end)]
        campaign_ops.save_activity(campaign, campaign_ops.ActivityData(
            title=title, description="", theme="Säkert Beteende", kind=kind, starts_at=at[0], ends_at=at[1],
            place=place, online_url="https://teams.example/regionexempel/forelasning" if online else "",
            whole_region=True, capacity=capacity, organiser_id=comms.id, status="confirmed"), comms, now)
    return campaign


def load_invites() -> dict:
    """Registrations and upcoming registrable lectures; the employee gets one seat (and an invitation)."""
    now = utcnow()
    people = _people()
    if EMPLOYEE not in people or "kommunikator" not in people:
        return {"skipped": "demo people missing"}
    history = _history(people, now)
    campaign = _upcoming(people, now)
    lecture, workshop = campaign.activities[0], campaign.activities[1]
    if workshop.starts_at > now:
        fillers = db.session.scalars(select(Person).where(Person.active.is_(True), Person.username.notin_(
            [EMPLOYEE, "kommunikator", "admin", "chef"])).order_by(Person.username).limit(WORKSHOP_FILLERS))
        for person in fillers:
            registration.register(workshop, person, now)
    outcome = registration.register(lecture, people[EMPLOYEE], now) if lecture.starts_at > now else None
    db.session.commit()
    return {"history": history, "campaign_id": campaign.id,
            "employee_registration": outcome.status if outcome else "closed"}
