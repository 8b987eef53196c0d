"""What invitations and feeds say: the activity as calendar data, the Swedish description,
and the e-mail around an invitation. Reads settings; builds text, never sends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from babel.dates import format_datetime, format_time
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from invites import ical, rules
from models import Activity, Person

LOCALE = "sv"


def organizer() -> ical.Address:
    """The monitored mailbox invitations come from and replies go to (INVITE_ORGANIZER, else MAIL_FROM)."""
    raw = current_app.config.get("INVITE_ORGANIZER") or current_app.config["MAIL_FROM"]
    name, address = parseaddr(raw)
    return ical.Address(name, address)


def organizer_header() -> str:
    """The same mailbox as a From header value."""
    return current_app.config.get("INVITE_ORGANIZER") or current_app.config["MAIL_FROM"]


def activity_url(activity: Activity) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + "/aktiviteter"


def event_info(activity: Activity) -> ical.EventInfo:
    return ical.EventInfo(
        uid=activity.uid, sequence=activity.sequence or 0, title=activity.title,
        description=activity.description or "", starts_at=activity.starts_at, ends_at=activity.ends_at,
        place=activity.place or "", online_url=activity.online_url or "", status=activity.status,
        created_at=activity.created_at, updated_at=activity.updated_at)


def time_text(activity: Activity) -> str:
    """"tisdag 8 oktober 2024 kl. 12:00–13:00" in Swedish local time (date repeated if it spans days)."""
    start = format_datetime(activity.starts_at, "EEEE d MMMM y 'kl.' HH:mm", tzinfo=ical.TZ, locale=LOCALE)
    same_day = activity.starts_at.astimezone(ical.TZ).date() == activity.ends_at.astimezone(ical.TZ).date()
    if same_day:
        end = format_time(activity.ends_at, "HH:mm", tzinfo=ical.TZ, locale=LOCALE)
    else:
        end = format_datetime(activity.ends_at, "EEEE d MMMM y 'kl.' HH:mm", tzinfo=ical.TZ, locale=LOCALE)
    return f"{start}–{end}"


def facts(activity: Activity) -> list[tuple[str, str]]:
    """(label, value) lines shared by the calendar description and the e-mail."""
    with force_locale(LOCALE):
        lines = [(_("Tid"), time_text(activity))]
        if activity.place:
            lines.append((_("Plats"), activity.place))
        if activity.online_url:
            lines.append((_("Anslut till mötet"), activity.online_url))
        lines.append((_("Tema"), activity.theme))
    return lines


def description(activity: Activity) -> str:
    """The Swedish DESCRIPTION: the activity's own text, then the facts and where to read more."""
    with force_locale(LOCALE):
        own = ical.clean_text(activity.description or "").strip()
        parts = [own] if own else []
        parts.append("\n".join(f"{label}: {value}" for label, value in facts(activity)))
        if activity.status == "cancelled":
            parts.insert(0, _("INSTÄLLD."))
        parts.append(_("Mer information: %(url)s", url=activity_url(activity)))
    return "\n\n".join(parts)


def calendar_event(activity: Activity, *, method: str, stamp: datetime, sequence: int | None = None,
                   alarm: bool = True) -> ical.Event:
    minutes = current_app.config["INVITE_ALARM_MINUTES"] if alarm else 0
    return ical.event(event_info(activity), organizer=organizer(), stamp=stamp, method=method,
                      description=description(activity), sequence=sequence, alarm_minutes=minutes)


def publish(activity: Activity) -> bytes:
    """The activity's own .ics (METHOD:PUBLISH), as offered by "Lägg till i kalendern"."""
    return ical.calendar("PUBLISH", [calendar_event(activity, method="PUBLISH", stamp=activity.updated_at)])


def invitation_calendar(activity: Activity, method: str, sequence: int, stamp: datetime) -> bytes:
    """REQUEST or CANCEL without its ATTENDEE; ical.with_attendee adds each person's."""
    event = calendar_event(activity, method=method, stamp=stamp, sequence=sequence, alarm=method == rules.REQUEST)
    return ical.calendar(method, [event])


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str

    def to(self, person: Person) -> Mail:
        """This mail with the person's greeting (bodies are rendered once per round, not per person)."""
        with force_locale(LOCALE):
            greeting = _("Hej %(name)s!", name=ical.one_line(person.given_name or person.name))
        return Mail(self.subject, self.text.replace(GREETING, greeting),
                    self.html.replace(GREETING, str(escape(greeting))))


#: Stands for the greeting in a rendered body until Mail.to() puts the person's in.
GREETING = "\u2063GREETING\u2063"


def subject(activity: Activity, reason: str) -> str:
    title = ical.one_line(activity.title)
    with force_locale(LOCALE):
        return {
            rules.INVITE: _("Inbjudan: %(title)s", title=title),
            rules.UPDATE: _("Ändrad: %(title)s", title=title),
            rules.CANCELLED: _("Inställd: %(title)s", title=title),
            rules.REMOVED: _("Avanmäld: %(title)s", title=title),
        }[reason]


def lead(activity: Activity, reason: str, promoted: bool) -> str:
    """The first sentence of the e-mail."""
    title = ical.one_line(activity.title)
    with force_locale(LOCALE):
        if reason == rules.INVITE and promoted:
            return _("Du har fått en plats från väntelistan på ”%(title)s”. Välkommen!", title=title)
        return {
            rules.INVITE: _("Välkommen till ”%(title)s”.", title=title),
            rules.UPDATE: _("”%(title)s” har ändrats. Den nya informationen ersätter den tidigare.", title=title),
            rules.CANCELLED: _("”%(title)s” är tyvärr inställd.", title=title),
            rules.REMOVED: _("Du är avanmäld från ”%(title)s”.", title=title),
        }[reason]


def advice(reason: str) -> str:
    with force_locale(LOCALE):
        if reason in (rules.INVITE, rules.UPDATE):
            return _("Svara med Acceptera eller Avböj i din kalender, så hamnar aktiviteten där.")
        return _("Aktiviteten tas bort ur din kalender när du öppnar det här meddelandet.")


def mail(activity: Activity, reason: str, promoted: bool = False) -> Mail:
    """The e-mail around an invitation (plain text here, HTML from templates/invites/), greeting left open."""
    own = ical.clean_text(activity.description or "").strip()
    org = organizer()
    with force_locale(LOCALE):
        context = {"greeting": GREETING, "lead": lead(activity, reason, promoted), "facts": facts(activity),
                   "description": own, "advice": advice(reason), "url": activity_url(activity),
                   "organizer": org, "title": ical.one_line(activity.title)}
        questions = _("Frågor? Svara på det här meddelandet (%(address)s).", address=org.email)
        more = _("Mer information: %(url)s", url=context["url"])
        text = "\n\n".join(part for part in [
            GREETING, context["lead"], "\n".join(f"{label}: {value}" for label, value in context["facts"]),
            own, context["advice"], f"{more}\n{questions}"] if part) + "\n"
        # The template alone, not render_template: no request here, so no navigation or user context.
        html = current_app.jinja_env.get_template("invites/email.html").render(**context)
        return Mail(subject(activity, reason), text, html)
