"""Check iCalendar data with libical (the library behind GNOME Evolution), independently of icalendar.

Runs under Debian's /usr/bin/python3 (python3-gi + gir1.2-ical-3.0), not in the venv, so the
tests call it through subprocess: `/usr/bin/python3 libical_check.py FILE...` ("-" reads stdin).

For each calendar it prints (one JSON list for all files) what libical found:
  errors      X-LIC-ERROR texts from parsing and from libical's iTIP restriction check
              (RFC 5546: which properties a VEVENT must / must not have for the METHOD)
  method      METHOD
  timezones   TZIDs of the VTIMEZONEs
  events      per VEVENT: uid, sequence, summary, status, location, description, url,
              dtstart_utc / dtend_utc (computed by libical from the calendar's own VTIMEZONE),
              dtstart_tzid, organizer, attendees (value + parameters), alarms,
              all_day (DTSTART is a DATE), dtstart_date / dtend_date (all-day: YYYYMMDD),
              rrule, exdates, recurrence_id, and occurrences: every instance's start in
              UTC as libical expands RRULE and EXDATE with the calendar's VTIMEZONE
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402

UTC = I.Timezone.get_utc_timezone()


def _components(comp, kind):
    child = comp.get_first_component(kind)
    while child is not None:
        yield child
        child = comp.get_next_component(kind)


def _properties(comp, kind):
    prop = comp.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = comp.get_next_property(kind)


def _errors(comp) -> list[str]:
    found = [p.get_xlicerror() for p in _properties(comp, I.PropertyKind.XLICERROR_PROPERTY)]
    child = comp.get_first_component(I.ComponentKind.ANY_COMPONENT)
    while child is not None:
        found.extend(_errors(child))
        child = comp.get_next_component(I.ComponentKind.ANY_COMPONENT)
    return found


def _params(prop) -> dict:
    out = {}
    param = prop.get_first_parameter(I.ParameterKind.ANY_PARAMETER)
    while param is not None:
        name, _, value = param.as_ical_string().partition("=")
        out[name.upper()] = value
        param = prop.get_next_parameter(I.ParameterKind.ANY_PARAMETER)
    return out


def _utc(calendar, event, getter, kind) -> tuple[str | None, str | None]:
    """The property's instant in UTC, using the VTIMEZONE inside this calendar (never a built-in zone)."""
    prop = event.get_first_property(kind)
    if prop is None:
        return None, None
    moment = getter(event)
    tzid = None
    param = prop.get_first_parameter(I.ParameterKind.TZID_PARAMETER)
    if param is not None:
        tzid = param.get_tzid()
        zone = calendar.get_timezone(tzid)
        if zone is None:
            return None, tzid
        moment = I.Time.new_from_string(prop.get_value_as_string())
        moment.set_timezone(zone)
    return moment.convert_to_zone(UTC).as_ical_string(), tzid


def _text(event, kind):
    prop = event.get_first_property(kind)
    return prop.get_value_as_string() if prop is not None else None


def _occurrences(event) -> list[str]:
    """Instance starts (UTC, YYYYMMDDTHHMMSSZ) of a recurring event, as libical expands them."""
    if event.get_first_property(I.PropertyKind.RRULE_PROPERTY) is None:
        return []
    found: list[str] = []

    def collect(_component, span, *_args):
        found.append(datetime.fromtimestamp(span.get_start(), timezone.utc).strftime("%Y%m%dT%H%M%SZ"))

    start, end = I.Time.new_from_string("20000101T000000Z"), I.Time.new_from_string("21000101T000000Z")
    event.foreach_recurrence(start, end, collect)
    return found


def _recurrence(event) -> dict:
    dtstart = event.get_first_property(I.PropertyKind.DTSTART_PROPERTY)
    dtend = event.get_first_property(I.PropertyKind.DTEND_PROPERTY)
    all_day = dtstart is not None and event.get_dtstart().is_date()
    rrule = event.get_first_property(I.PropertyKind.RRULE_PROPERTY)
    rid = event.get_first_property(I.PropertyKind.RECURRENCEID_PROPERTY)
    return {
        "all_day": all_day,
        "dtstart_date": dtstart.get_value_as_string() if all_day else None,
        "dtend_date": dtend.get_value_as_string() if all_day and dtend is not None else None,
        "rrule": rrule.get_value_as_string() if rrule is not None else None,
        "exdates": [p.get_value_as_string() for p in _properties(event, I.PropertyKind.EXDATE_PROPERTY)],
        "recurrence_id": rid.get_value_as_string() if rid is not None else None,
        "occurrences": _occurrences(event),
    }


def _event(calendar, event) -> dict:
    start, tzid = _utc(calendar, event, I.Component.get_dtstart, I.PropertyKind.DTSTART_PROPERTY)
    end, _ = _utc(calendar, event, I.Component.get_dtend, I.PropertyKind.DTEND_PROPERTY)
    organizer = event.get_first_property(I.PropertyKind.ORGANIZER_PROPERTY)
    status = event.get_first_property(I.PropertyKind.STATUS_PROPERTY)
    description = event.get_first_property(I.PropertyKind.DESCRIPTION_PROPERTY)
    return {
        "uid": event.get_uid(),
        "sequence": event.get_sequence() if event.get_first_property(I.PropertyKind.SEQUENCE_PROPERTY) else None,
        "summary": event.get_summary(),
        "status": status.get_value_as_string() if status is not None else None,
        "location": event.get_location(),
        "description": description.get_description() if description is not None else None,
        "url": _text(event, I.PropertyKind.URL_PROPERTY),
        "dtstart_utc": start,
        "dtend_utc": end,
        "dtstart_tzid": tzid,
        "organizer": {"value": organizer.get_organizer(), "params": _params(organizer)} if organizer else None,
        "attendees": [{"value": p.get_attendee(), "params": _params(p)}
                      for p in _properties(event, I.PropertyKind.ATTENDEE_PROPERTY)],
        "alarms": [{"trigger": _text(a, I.PropertyKind.TRIGGER_PROPERTY),
                    "action": _text(a, I.PropertyKind.ACTION_PROPERTY)}
                   for a in _components(event, I.ComponentKind.VALARM_COMPONENT)],
        **_recurrence(event),
    }


def check(data: str) -> dict:
    calendar = I.Component.new_from_string(data)
    if calendar is None or calendar.isa() != I.ComponentKind.VCALENDAR_COMPONENT:
        return {"errors": ["not a VCALENDAR"], "method": None, "timezones": [], "events": []}
    method_prop = calendar.get_first_property(I.PropertyKind.METHOD_PROPERTY)
    calendar.check_restrictions()  # adds X-LIC-ERROR properties where iTIP rules are broken
    return {
        "errors": _errors(calendar),
        "method": method_prop.get_value_as_string() if method_prop is not None else None,
        "timezones": [_text(tz, I.PropertyKind.TZID_PROPERTY)
                      for tz in _components(calendar, I.ComponentKind.VTIMEZONE_COMPONENT)],
        "events": [_event(calendar, e) for e in _components(calendar, I.ComponentKind.VEVENT_COMPONENT)],
    }


def main(paths: list[str]) -> None:
    results = []
    for path in paths or ["-"]:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
        results.append(check(raw.decode("utf-8")))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
