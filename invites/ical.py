"""iCalendar data for activities (RFC 5545, iTIP RFC 5546): THE only module that imports icalendar.

Pure functions over plain data (`EventInfo`, `Person`-free `Address`), so they can be tested
without a database. What we do on purpose, and why:

* Times: DTSTART/DTEND carry the TZID of the TIMEZONE setting (Europe/Stockholm) with a
  VTIMEZONE written here from the EU rule (RRULE, last Sunday of March/October, 01:00 UTC).
  A zone that does not follow the EU rule gets icalendar's own VTIMEZONE. icalendar's add_missing_timezones() writes RDATE
  lists instead, which Outlook desktop reads an hour off. A time inside the hour that happens
  twice when summer time ends is written in UTC instead: a local time there is ambiguous
  (RFC 5545 says "first occurrence", libical takes the second).
* Text: icalendar's own escaping turns a literal backslash-N into a line break and lets a lone
  CR or other control characters through (which breaks the content line), so TEXT values go
  through `_Text`. Folding is icalendar's: 75 octets, never inside a UTF-8 sequence.
* Output is bytes with CRLF line ends; keep it bytes all the way into the e-mail.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)
from icalendar.parser import Contentline

#: The default TIMEZONE (the region's); the setting is passed in as EventInfo.tzid.
TZID = "Europe/Stockholm"
TZ = ZoneInfo(TZID)
PRODID = "-//Vaksam//Kalenderinbjudningar 1.0//SV"

#: Activity status → iCalendar STATUS.
STATUSES = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED"}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Address:
    """A calendar user: display name and e-mail address."""

    name: str
    email: str


@dataclass(frozen=True)
class EventInfo:
    """What a VEVENT says about one activity (built by invites/content.py from an Activity)."""

    uid: str
    sequence: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    status: str
    created_at: datetime
    updated_at: datetime
    #: The region's time zone (TIMEZONE setting).
    tzid: str = TZID
    #: Whole days: DTSTART;VALUE=DATE, DTEND the day after the last (exclusive); no VTIMEZONE needed.
    all_day: bool = False
    #: RRULE value ("" for one occurrence); its UNTIL is UTC (or a DATE for all-day).
    rrule: str = ""
    #: Original starts (UTC) of cancelled occurrences (EXDATE).
    exdates: tuple[datetime, ...] = ()
    #: Moved occurrences: (original start, new start, new end), UTC (a VEVENT with RECURRENCE-ID each).
    moved: tuple[tuple[datetime, datetime, datetime], ...] = ()


def clean_text(value: str | None) -> str:
    """Line breaks as LF, no control characters (TEXT allows none but HTAB)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11 escaping: backslash first, then ; , and line breaks."""
    return (clean_text(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


class _Text(vText):
    """vText with the escaping above (see the module docstring for why)."""

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode("utf-8")


def one_line(value: str | None) -> str:
    """A title or name: whitespace runs (line breaks too) become one space."""
    return " ".join(clean_text(value).split())


def _param(value: str) -> str:
    """A parameter value on one line (icalendar quotes it and encodes '"' per RFC 6868)."""
    return one_line(value)


def when(moment: datetime, tzid: str = TZID) -> datetime:
    """Local time for DTSTART/DTEND, or UTC inside the repeated hour in October."""
    utc = moment.astimezone(timezone.utc)
    local = utc.astimezone(ZoneInfo(tzid))
    other = local.replace(fold=1 - local.fold)
    if other.astimezone(timezone.utc) != utc:
        return utc
    return local


def _eu_offsets(tzid: str) -> tuple[timedelta, timedelta, str, str] | None:
    """(standard, summer offset, their names) if the zone changes by the EU rule in 2024, else None."""
    zone = ZoneInfo(tzid)
    winter, summer = datetime(2024, 1, 15, 12, tzinfo=zone), datetime(2024, 7, 15, 12, tzinfo=zone)
    std, dst = winter.utcoffset(), summer.utcoffset()
    changes = (datetime(2024, 3, 31, 1, tzinfo=timezone.utc), datetime(2024, 10, 27, 1, tzinfo=timezone.utc))
    for change, before, after in ((changes[0], std, dst), (changes[1], dst, std)):
        if ((change - timedelta(seconds=1)).astimezone(zone).utcoffset() != before
                or change.astimezone(zone).utcoffset() != after):
            return None
    if std is None or dst is None or std == dst:
        return None
    return std, dst, winter.tzname() or "", summer.tzname() or ""


def moment(value: datetime, info: EventInfo) -> datetime | date:
    """A DTSTART/DTEND/EXDATE/RECURRENCE-ID value: the local date all day, else `when`."""
    if info.all_day:
        return value.astimezone(ZoneInfo(info.tzid)).date()
    return when(value, info.tzid)


def vtimezone(tzid: str = TZID) -> Timezone:
    """The zone by rule: summer time from the last Sunday of March, standard time from the last
    Sunday of October, both at 01:00 UTC (EU summer time since 1996); for Europe/Stockholm
    CEST from 02:00 and CET from 03:00 local time."""
    offsets = _eu_offsets(tzid)
    if offsets is None:
        return Timezone.from_tzinfo(ZoneInfo(tzid))
    std, dst, std_name, dst_name = offsets
    tz = Timezone()
    tz.add("tzid", tzid)
    tz.add("x-lic-location", tzid)
    daylight = TimezoneDaylight()
    daylight.add("tzname", dst_name)
    daylight.add("dtstart", datetime(1970, 3, 29, 1, 0, 0) + std)
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    daylight.add("tzoffsetfrom", std)
    daylight.add("tzoffsetto", dst)
    standard = TimezoneStandard()
    standard.add("tzname", std_name)
    standard.add("dtstart", datetime(1970, 10, 25, 1, 0, 0) + dst)
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    standard.add("tzoffsetfrom", dst)
    standard.add("tzoffsetto", std)
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _organizer(organizer: Address) -> vCalAddress:
    value = vCalAddress(f"mailto:{organizer.email}")
    if organizer.name:
        value.params["CN"] = _param(organizer.name)
    return value


def attendee(person: Address) -> vCalAddress:
    """The one ATTENDEE of an invitation: asked to reply, not answered yet."""
    value = vCalAddress(f"mailto:{person.email}")
    value.params["CUTYPE"] = "INDIVIDUAL"
    value.params["ROLE"] = "REQ-PARTICIPANT"
    value.params["PARTSTAT"] = "NEEDS-ACTION"
    value.params["RSVP"] = "TRUE"
    if person.name:
        value.params["CN"] = _param(person.name)
    return value


def location(info: EventInfo) -> str:
    """The room, or "Online" when there is only a link."""
    return info.place.strip() or ("Online" if info.online_url.strip() else "")


def event(info: EventInfo, *, organizer: Address, stamp: datetime, method: str,
          description: str, sequence: int | None = None, to: Address | None = None,
          alarm_minutes: int = 0) -> Event:
    """One VEVENT. `to` is the single ATTENDEE (invitations only; PUBLISH has none).

    STATUS:CANCELLED only when the whole activity is cancelled: a CANCEL that takes one attendee
    off (unregistered, no longer in the audience) leaves the event's status alone (RFC 5546
    §3.2.5; Outlook would otherwise show the meeting as cancelled for everyone)."""
    cancelled = info.status == "cancelled"
    removed = cancelled or method == "CANCEL"
    ev = Event()
    ev.add("uid", info.uid)
    ev.add("sequence", info.sequence if sequence is None else sequence)
    ev.add("dtstamp", stamp.astimezone(timezone.utc))
    ev.add("dtstart", moment(info.starts_at, info))
    ev.add("dtend", moment(info.ends_at, info))
    if info.rrule:
        ev.add("rrule", vRecur.from_ical(info.rrule))
        for cancelled_start in info.exdates:
            ev.add("exdate", moment(cancelled_start, info))
    ev.add("created", info.created_at.astimezone(timezone.utc))
    ev.add("last-modified", info.updated_at.astimezone(timezone.utc))
    ev.add("summary", _Text(one_line(info.title)))
    ev.add("description", _Text(description))
    if location(info):
        ev.add("location", _Text(location(info)))
    if info.online_url.strip():
        ev.add("url", info.online_url.strip(), parameters={"VALUE": "URI"})
    ev.add("status", "CANCELLED" if cancelled else STATUSES.get(info.status, "CONFIRMED"))
    ev.add("transp", "TRANSPARENT" if removed else "OPAQUE")
    ev.add("class", "PUBLIC")
    ev.add("organizer", _organizer(organizer))
    if to is not None:
        ev.add("attendee", attendee(to))
    if alarm_minutes > 0 and not removed and not info.all_day:
        ev.add_component(_alarm(info.title, alarm_minutes))
    return ev


def events(info: EventInfo, **kw) -> list[Event]:
    """The VEVENTs of an activity: the event (or series), then one per moved occurrence with its
    RECURRENCE-ID (the original start), same UID and SEQUENCE (RFC 5545 §3.8.4.4)."""
    out = [event(info, **kw)]
    for original, start, end in info.moved:
        single = replace(info, starts_at=start, ends_at=end, rrule="", exdates=(), moved=())
        ev = event(single, **kw)
        ev.add("recurrence-id", moment(original, info))
        out.append(ev)
    return out


def _alarm(title: str, minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _Text(one_line(title)))
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


def calendar(method: str, events: list[Event], *, name: str | None = None,
             refresh_minutes: int | None = None, tzid: str = TZID) -> bytes:
    """A VCALENDAR with our VTIMEZONE first; `name` and `refresh_minutes` make it a feed."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("name", _Text(one_line(name)))
        cal.add("x-wr-calname", _Text(one_line(name)))
        cal.add("x-wr-timezone", tzid)
    if refresh_minutes:
        cal.add("refresh-interval", vDuration(timedelta(minutes=refresh_minutes)), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(timedelta(minutes=refresh_minutes)))
    if not events or any(isinstance(ev.decoded("dtstart"), datetime) for ev in events):
        cal.add_component(vtimezone(tzid))  # all-day events alone are dates: no VTIMEZONE needed
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()


def with_attendee(calendar_bytes: bytes, to: Address) -> bytes:
    """The calendar with `to` as the one ATTENDEE of its (single) VEVENT.

    An invitation round builds the calendar once and adds each person's line here, so
    5,000 invitations cost one icalendar serialisation, not 5,000. Properties may come in
    any order, so the line goes right after each BEGIN:VEVENT (a series' moved occurrences
    are VEVENTs of their own; before any VALARM, as required).
    """
    value = attendee(to)
    line = Contentline.from_parts("ATTENDEE", value.params, value).to_ical() + b"\r\n"
    marker = b"BEGIN:VEVENT\r\n"
    return calendar_bytes.replace(marker, marker + line)
