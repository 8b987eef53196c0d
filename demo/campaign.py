"""The October awareness month in the demo: one campaign, twelve activities across the
four themes and twenty plan messages across the channels, some sent, some waiting for
approval. Idempotent: nothing is added when the campaign already exists.

The dates are written for October 2024 and moved to the demo year of the day the demo is
loaded (demo/dates.py: the coming October, this October while it lasts, or the one just
past). The history (who approved, when it went out) is written as it would have been
recorded, never later than now: a message that would have gone out but is still ahead is
"scheduled". Recipient counts come from today's demo directory.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from campaign import audience
from campaign.activities import new_uid
from demo import dates
from demo.region import STRUCTURE
from extensions import db
from models import Activity, Campaign, Person, PlanMessage, PlanTransition, Unit, utcnow
from models.campaign import THEMES_2024

SB, IK, RF, DATOR = THEMES_2024

#: (day, start, end, title, theme, kind, place, online, unit keys or None for the whole region, capacity, status)
ACTIVITIES = [
    (1, "12:00", "12:45", "Kickoff: Säkert beteende i vardagen", SB, "webinar", "", True, None, None, "confirmed"),
    (3, "09:00", "15:00", "Säkerhetsmonter i entrén", SB, "stand", "Regionhuset, entréplan", False, None, None, "confirmed"),
    (8, "12:00", "13:00", "Lunchföreläsning: Klassa din information", IK, "lecture", "Aulan, Regionhuset", True, None, 120, "confirmed"),
    (10, "08:30", "09:00", "APT-presentation: Informationsklassning i vården", IK, "apt", "Egen arbetsplats", False, ["HSF/Primärvården"], None, "confirmed"),
    (14, "13:00", "14:00", "Webbinarium: Vad ska stå i registerförteckningen?", RF, "webinar", "", True, None, 300, "confirmed"),
    (16, "10:00", "11:30", "Föreläsning: Personuppgifter och registerförteckning", RF, "lecture", "Sal 3, Folkhögskolan", False, ["KUF"], 60, "confirmed"),
    (17, "08:00", "16:00", "Quiz: Säkert beteende", SB, "quiz", "", True, None, None, "confirmed"),
    (21, "12:00", "12:45", "Lunchwebbinarium: Lås datorn, uppdatera, säkerhetskopiera", DATOR, "webinar", "", True, None, None, "confirmed"),
    (23, "09:00", "15:00", "Monter: Säker hantering av den egna arbetsdatorn", DATOR, "stand", "Sjukhusets huvudentré", False, ["HSF"], None, "confirmed"),
    (24, "14:00", "15:00", "APT-material: Klassning av e-post och filer", IK, "apt", "Egen arbetsplats", False, ["RS"], None, "planned"),
    (28, "12:00", "13:00", "Föreläsning: Bedrägerier och nätfiske", SB, "lecture", "Aulan, Regionhuset", True, None, 150, "cancelled"),
    (30, "13:00", "13:30", "Quiz-final och avslutning", DATOR, "quiz", "", True, None, None, "confirmed"),
]

#: (day, time, title, channel, audience, unit keys, status, body)
MESSAGES = [
    (24 - 30, "09:00", "Snart är det informationssäkerhetsmånad", "chefsbrev", "managers", [], "published",
     "Hej!\n\nI oktober är det **informationssäkerhetsmånad**. Boka in APT-presentationen för din arbetsplats."),
    (1, "08:00", "Välkommen till informationssäkerhetsmånaden", "e-post", "all", [], "sent",
     "Hej {förnamn}!\n\nI oktober handlar det om fyra teman:\n\n- Säkert Beteende\n- Informationsklassning\n"
     "- Registerförteckning\n- Säker hantering av den egna arbetsdatorn\n\nSe programmet på intranätet."),
    (1, "08:00", "Programmet för oktober", "intranät", "all", [], "published",
     "Hela programmet för informationssäkerhetsmånaden, vecka för vecka."),
    (1, "09:00", "Säkerhetsmånaden har börjat", "skärmar", "all", [], "published", "Oktober är säkerhetsmånad!"),
    (2, "10:00", "Kickoff i Teams", "Teams", "all", [], "published", "Titta på kickoffen i efterhand."),
    (4, "07:30", "Nyhetsbrev: vecka 40", "nyhetsbrev", "all", [], "sent",
     "Veckans tema är **Säkert Beteende**. Gör kursen här: {kurslänk}"),
    (7, "08:00", "Tema: Informationsklassning", "e-post", "units", ["HSF"], "sent",
     "Hej {förnamn}!\n\nDen här veckan handlar om informationsklassning på {enhet}."),
    (7, "08:00", "APT-material: Informationsklassning", "APT-material", "managers", [], "published",
     "Bildspel och diskussionsfrågor för arbetsplatsträffen."),
    (9, "08:00", "Påminnelse: Säkert Beteende", "e-post", "units", ["HSF/Primärvården", "HSF/Akutkliniken"], "sent",
     "Hej {förnamn}!\n\nHar du gjort kursen Säkert Beteende? Din status: {status}. Kursen: {kurslänk}"),
    (14, "08:00", "Tema: Registerförteckning", "intranät", "all", [], "published",
     "Vad är en registerförteckning och varför behövs den?"),
    (14, "08:00", "Registerförteckningen och du", "e-post", "units", ["RLF", "RS"], "sent",
     "Hej {förnamn}!\n\nVeckans tema är registerförteckningen."),
    (18, "08:00", "Chefsbrev: halvtid i säkerhetsmånaden", "chefsbrev", "managers", [], "approved",
     "Så går det för din enhet hittills."),
    (21, "08:00", "Tema: Din arbetsdator", "e-post", "all", [], "review",
     "Hej {förnamn}!\n\nLås datorn när du går ifrån den (Windows + L)."),
    (21, "08:00", "Skärmbild: Lås datorn", "skärmar", "all", [], "review", "Windows + L. Varje gång."),
    (22, "12:00", "Teams-inlägg: Uppdatera datorn", "Teams", "all", [], "review", "Starta om datorn när den ber om det."),
    (25, "08:00", "Nyhetsbrev: vecka 43", "nyhetsbrev", "all", [], "draft", "Sista veckorna av säkerhetsmånaden."),
    (28, "08:00", "Sista chansen: gör kursen", "e-post", "not_done", [], "draft",
     "Hej {förnamn}!\n\nDu har inte gjort kursen Säkert Beteende än. Gör den här: {kurslänk}"),
    (29, "08:00", "Quiz-finalen på torsdag", "intranät", "all", [], "approved", "Var med i quiz-finalen."),
    (30, "08:00", "Föreläsningen om nätfiske är inställd", "e-post", "units", ["HSF"], "cancelled",
     "Föreläsningen den 28 oktober är tyvärr inställd."),
    (31, "15:00", "Tack för en bra säkerhetsmånad", "APT-material", "managers", [], "draft",
     "Sammanfattning och resultat från oktober."),
]

#: The workflow path to each final status.
PATHS = {
    "draft": ["draft"], "review": ["draft", "review"], "approved": ["draft", "review", "approved"],
    "scheduled": ["draft", "review", "approved", "scheduled"],
    "sent": ["draft", "review", "approved", "scheduled", "sent"],
    "published": ["draft", "review", "approved", "scheduled", "published"],
    "cancelled": ["draft", "review", "cancelled"],
}


def _at(tz, today: date, day: int, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime(dates.demo_year(today), 10, 1, hour, minute) + timedelta(days=day - 1)
    return local.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _units(keys: list[str]) -> list[Unit]:
    """Units by short path ("HSF/Primärvården"); the directory keys use the förvaltning's full name."""
    names = {key: name for key, name, _units in STRUCTURE}
    full = ["/".join([names[k.split("/")[0]], *k.split("/")[1:]]) for k in keys]
    units = list(db.session.scalars(select(Unit).where(Unit.key.in_(full)))) if full else []
    if len(units) != len(full):
        raise RuntimeError(f"demo units missing: {sorted(set(full) - {u.key for u in units})}")
    return units


def load_campaign() -> dict:
    now = utcnow()
    today = now.date()
    title = dates.october_title(today)
    existing = db.session.scalar(select(Campaign).where(Campaign.title == title))
    if existing is not None:
        return {"created": False, "campaign_id": existing.id}
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    people = {p.username: p for p in db.session.scalars(
        select(Person).where(Person.username.in_(["kommunikator", "admin"])))}
    comms, admin = people["kommunikator"], people["admin"]
    created = min(dates.shift(datetime(2024, 8, 20, 9, 0, tzinfo=ZoneInfo("UTC")), today), now)
    year = dates.demo_year(today)
    campaign = Campaign(title=title, starts_on=date(year, 10, 1), ends_on=date(year, 10, 31),
                        themes=list(THEMES_2024),
                        goals="Fler ska ha gjort kursen Säkert Beteende, och alla ska känna till hur information "
                              "klassas, vad registerförteckningen är och hur arbetsdatorn hanteras säkert.",
                        owner_id=admin.id, created_at=created, updated_at=created)
    db.session.add(campaign)
    for day, start, end, title, theme, kind, place, online, units, capacity, status in ACTIVITIES:
        db.session.add(Activity(
            campaign=campaign, uid=new_uid(), sequence=1 if status == "cancelled" else 0, title=title, theme=theme,
            kind=kind, description="", starts_at=_at(tz, today, day, start), ends_at=_at(tz, today, day, end), place=place,
            online_url="https://teams.example/regionexempel/sakerhetsmanaden" if online else "",
            whole_region=units is None, units=_units(units or []), capacity=capacity, organiser_id=comms.id,
            status=status, created_at=created, updated_at=created))
    for day, hhmm, title, channel, kind, units, status, body in MESSAGES:
        _message(campaign, _at(tz, today, day, hhmm), title, channel, kind, _units(units), status, body, comms, admin,
                 now)
    db.session.commit()
    return {"created": True, "campaign_id": campaign.id, "activities": len(ACTIVITIES), "messages": len(MESSAGES)}


def _message(campaign, planned_at, title, channel, kind, units, status, body, comms, admin, now) -> None:
    if status in ("sent", "published") and planned_at > now:
        status = "scheduled"  # not out yet in this year's month
    message = PlanMessage(campaign=campaign, title=title, body=body, channel=channel, audience=kind, units=units,
                          planned_at=planned_at, owner_id=comms.id, status=status, created_by_id=comms.id,
                          created_at=min(planned_at - timedelta(days=21), now),
                          updated_at=min(planned_at - timedelta(days=7), now))
    path = PATHS[status]
    for i, (before, after) in enumerate(zip([""] + path, path)):
        actor = None if after == "sent" else (admin if after in ("approved", "cancelled") else comms)
        at = planned_at if after in ("sent", "published") else min(planned_at - timedelta(days=21 - 3 * i), now)
        message.transitions.append(PlanTransition(at=at, actor_id=actor.id if actor else None, from_status=before,
                                                  to_status=after, comment=""))
    if status in ("sent", "published"):
        message.sent_at = planned_at
    if status == "sent":
        reached = audience.resolve(kind, [u.id for u in units], planned_at)
        message.recipient_count = sum(1 for p in reached if p.email)
        message.no_address_count = len(reached) - message.recipient_count
    db.session.add(message)
