"""What invitations and feeds say: the activity as calendar data, its description, and the
e-mail around an invitation, in the invitee's language (Swedish unless their locale is English;
feeds and downloads are Swedish). Times in the TIMEZONE setting. Reads settings; builds text,
never sends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from invites import ical, recurrence, rules
from main.navigation import absolute_url
from models import Activity, Person

LOCALE = "sv"
#: Languages invitations are written in; anything else gets Swedish.
LOCALES = ("sv", "en")


def locale_of(person: Person | None) -> str:
    """The person's language for invitations (their locale setting, else Swedish)."""
    value = (getattr(person, "locale", None) or LOCALE).split("_")[0].split("-")[0].lower()
    return value if value in LOCALES else LOCALE


def region_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def organizer() -> ical.Address:
    """The monitored mailbox invitations come from and replies go to (INVITE_ORGANIZER, else MAIL_FROM)."""
    raw = current_app.config.get("INVITE_ORGANIZER") or current_app.config["MAIL_FROM"]
    name, address = parseaddr(raw)
    return ical.Address(name, address)


def organizer_header() -> str:
    """The same mailbox as a From header value."""
    return current_app.config.get("INVITE_ORGANIZER") or current_app.config["MAIL_FROM"]


def activity_url(activity: Activity) -> str:
    return absolute_url("/aktiviteter")


def summary(activity: Activity, locale: str = LOCALE) -> str:
    """The SUMMARY: the title, after "Inställd: " / "Cancelled: " when the activity is cancelled."""
    if activity.status != "cancelled":
        return activity.title
    with force_locale(locale):
        return _("Inställd: %(title)s", title=ical.one_line(activity.title))


def event_info(activity: Activity, locale: str = LOCALE) -> ical.EventInfo:
    return ical.EventInfo(
        uid=activity.uid, sequence=activity.sequence or 0, title=summary(activity, locale),
        description=activity.description or "", starts_at=activity.starts_at, ends_at=activity.ends_at,
        place=activity.place or "", online_url=activity.online_url or "", status=activity.status,
        created_at=activity.created_at, updated_at=activity.updated_at, tzid=current_app.config["TIMEZONE"],
        **_recurrence_info(activity))


def _recurrence_info(activity: Activity) -> dict:
    """EventInfo's all-day and recurrence fields from the activity's (local ISO) exceptions."""
    tz = region_tz()
    if not activity.rrule:
        return {"all_day": bool(activity.all_day)}
    moved = tuple((recurrence.moment_of(o["recurrence_id"], tz), datetime.fromisoformat(o["starts_at"]),
                   datetime.fromisoformat(o["ends_at"])) for o in activity.overrides or [])
    return {"all_day": bool(activity.all_day), "rrule": activity.rrule,
            "exdates": tuple(recurrence.moment_of(key, tz) for key in activity.exdates or []), "moved": moved}


#: Date-time patterns per language.
_LONG = {"sv": "EEEE d MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y, HH:mm"}


def time_text(activity: Activity, locale: str = LOCALE) -> str:
    """"tisdag 8 oktober 2024 kl. 12:00–13:00" in local time (date repeated if it spans days)."""
    tz, pattern = region_tz(), _LONG.get(locale, _LONG[LOCALE])
    if activity.all_day:
        first = activity.starts_at.astimezone(tz).date()
        last = (activity.ends_at.astimezone(tz) - timedelta(days=1)).date()
        days = [format_date(d, "EEEE d MMMM y", locale=locale) for d in ((first,) if last <= first else (first, last))]
        return "–".join(days)
    start = format_datetime(activity.starts_at, pattern, tzinfo=tz, locale=locale)
    same_day = activity.starts_at.astimezone(tz).date() == activity.ends_at.astimezone(tz).date()
    if same_day:
        end = format_time(activity.ends_at, "HH:mm", tzinfo=tz, locale=locale)
    else:
        end = format_datetime(activity.ends_at, pattern, tzinfo=tz, locale=locale)
    return f"{start}–{end}"


def facts(activity: Activity, locale: str = LOCALE) -> list[tuple[str, str]]:
    """(label, value) lines shared by the calendar description and the e-mail."""
    with force_locale(locale):
        lines = [(_("Tid"), time_text(activity, locale))]
        if activity.rrule:
            lines.append((_("Tillfällen"), occurrence_text(activity, locale)))
        if activity.place:
            lines.append((_("Plats"), activity.place))
        if activity.online_url:
            lines.append((_("Anslut till mötet"), activity.online_url))
        lines.append((_("Tema"), activity.theme))
    return lines


def occurrence_text(activity: Activity, locale: str = LOCALE, limit: int = 12) -> str:
    """"8 okt., 15 okt., 22 okt. 13:00" — the dates of a series (moved ones with their time)."""
    tz = region_tz()
    found = recurrence.occurrences(activity.starts_at, activity.ends_at, activity.rrule, tz,
                                   all_day=activity.all_day, exdates=activity.exdates or [],
                                   overrides=activity.overrides or [])
    parts = [format_date(o.starts_at.astimezone(tz), "d MMM", locale=locale)
             + (" " + format_time(o.starts_at, "HH:mm", tzinfo=tz, locale=locale) if o.moved and not activity.all_day
                else "") for o in found[:limit]]
    return ", ".join(parts) + (" …" if len(found) > limit else "")


def description(activity: Activity, locale: str = LOCALE) -> str:
    """The DESCRIPTION: the activity's own text, then the facts and where to read more."""
    with force_locale(locale):
        own = ical.clean_text(activity.description or "").strip()
        parts = [own] if own else []
        parts.append("\n".join(f"{label}: {value}" for label, value in facts(activity, locale)))
        if activity.status == "cancelled":
            parts.insert(0, _("INSTÄLLD."))
        parts.append(_("Mer information: %(url)s", url=activity_url(activity)))
    return "\n\n".join(parts)


def calendar_events(activity: Activity, *, method: str, stamp: datetime, sequence: int | None = None,
                    alarm: bool = True, locale: str = LOCALE) -> list:
    """The activity's VEVENTs (a series' moved occurrences are VEVENTs of their own)."""
    minutes = current_app.config["INVITE_ALARM_MINUTES"] if alarm else 0
    return ical.events(event_info(activity, locale), organizer=organizer(), stamp=stamp, method=method,
                       description=description(activity, locale), sequence=sequence, alarm_minutes=minutes)


def calendar(method: str, events: list, **kw) -> bytes:
    """ical.calendar in the TIMEZONE setting."""
    return ical.calendar(method, events, tzid=current_app.config["TIMEZONE"], **kw)


def publish(activity: Activity) -> bytes:
    """The activity's own .ics (METHOD:PUBLISH), as offered by "Lägg till i kalendern"."""
    return calendar("PUBLISH", calendar_events(activity, method="PUBLISH", stamp=activity.updated_at))


def invitation_calendar(activity: Activity, method: str, sequence: int, stamp: datetime,
                        locale: str = LOCALE) -> bytes:
    """REQUEST or CANCEL without its ATTENDEE; ical.with_attendee adds each person's."""
    events = calendar_events(activity, method=method, stamp=stamp, sequence=sequence, alarm=method == rules.REQUEST,
                             locale=locale)
    return calendar(method, events)


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str

    def to(self, person: Person) -> Mail:
        """This mail with the person's greeting (bodies are rendered once per round, not per person)."""
        with force_locale(locale_of(person)):
            greeting = _("Hej %(name)s!", name=ical.one_line(person.given_name or person.name))
        return Mail(self.subject, self.text.replace(GREETING, greeting),
                    self.html.replace(GREETING, str(escape(greeting))))


#: Stands for the greeting in a rendered body until Mail.to() puts the person's in.
GREETING = "\u2063GREETING\u2063"


def subject(activity: Activity, reason: str, locale: str = LOCALE) -> str:
    title = ical.one_line(activity.title)
    with force_locale(locale):
        return {
            rules.INVITE: _("Inbjudan: %(title)s", title=title),
            rules.UPDATE: _("Ändrad: %(title)s", title=title),
            rules.CANCELLED: _("Inställd: %(title)s", title=title),
            rules.REMOVED: _("Avanmäld: %(title)s", title=title),
            rules.WITHDRAWN: _("Inte längre bekräftad: %(title)s", title=title),
            rules.UNINVITED: _("Inte längre inbjuden: %(title)s", title=title),
        }[reason]


def lead(activity: Activity, reason: str, promoted: bool, locale: str = LOCALE) -> str:
    """The first sentence of the e-mail."""
    title = ical.one_line(activity.title)
    with force_locale(locale):
        if reason == rules.INVITE and promoted:
            return _("Du har fått en plats från väntelistan på ”%(title)s”. Välkommen!", title=title)
        return {
            rules.INVITE: _("Välkommen till ”%(title)s”.", title=title),
            rules.UPDATE: _("”%(title)s” har ändrats. Den nya informationen ersätter den tidigare.", title=title),
            rules.CANCELLED: _("”%(title)s” är tyvärr inställd.", title=title),
            rules.REMOVED: _("Du är avanmäld från ”%(title)s”.", title=title),
            rules.WITHDRAWN: _("”%(title)s” är inte längre bekräftad. Du får en ny inbjudan om den bekräftas igen.",
                               title=title),
            rules.UNINVITED: _("”%(title)s” är inte längre för din enhet och tas bort ur din kalender.", title=title),
        }[reason]


def advice(reason: str, locale: str = LOCALE) -> str:
    with force_locale(locale):
        if reason in (rules.INVITE, rules.UPDATE):
            return _("Svara med Acceptera eller Avböj i din kalender, så hamnar aktiviteten där.")
        return _("Aktiviteten tas bort ur din kalender när du öppnar det här meddelandet.")


def mail(activity: Activity, reason: str, promoted: bool = False, locale: str = LOCALE) -> Mail:
    """The e-mail around an invitation (plain text here, HTML from templates/invites/), greeting left open."""
    own = ical.clean_text(activity.description or "").strip()
    org = organizer()
    with force_locale(locale):
        context: dict[str, Any] = {"greeting": GREETING, "lead": lead(activity, reason, promoted, locale),
                   "facts": facts(activity, locale), "description": own, "advice": advice(reason, locale),
                   "url": activity_url(activity), "lang": locale,
                   "organizer": org, "title": ical.one_line(activity.title)}
        questions = _("Frågor? Svara på det här meddelandet (%(address)s).", address=org.email)
        more = _("Mer information: %(url)s", url=context["url"])
        text = "\n\n".join(part for part in [
            GREETING, context["lead"], "\n".join(f"{label}: {value}" for label, value in context["facts"]),
            own, context["advice"], f"{more}\n{questions}"] if part) + "\n"
        # The template alone, not render_template: no request here, so no navigation or user context.
        html = current_app.jinja_env.get_template("invites/email.html").render(**context)
        return Mail(subject(activity, reason, locale), text, html)


def waiting_mail(activity: Activity, place: int, locale: str = LOCALE) -> Mail:
    """"You are on the waiting list, place N" (no calendar: the invitation comes with a seat)."""
    title = ical.one_line(activity.title)
    org = organizer()
    with force_locale(locale):
        lead_text = _("”%(title)s” är fullbokad. Du står på väntelistan som nummer %(place)s.", title=title, place=place)
        advice_text = _("Blir en plats ledig får du en kalenderinbjudan med e-post. Vill du inte stå kvar kan du "
                        "avanmäla dig i Vaksam.")
        lines = facts(activity, locale)
        context = {"greeting": GREETING, "lead": lead_text, "facts": lines, "description": "",
                   "advice": advice_text, "url": activity_url(activity), "lang": locale, "organizer": org,
                   "title": title}
        text = "\n\n".join([GREETING, lead_text, "\n".join(f"{label}: {value}" for label, value in lines),
                             advice_text, _("Mer information: %(url)s", url=activity_url(activity))]) + "\n"
        html = current_app.jinja_env.get_template("invites/email.html").render(**context)
        return Mail(_("Väntelista: %(title)s", title=title), text, html)
