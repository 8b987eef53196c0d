"""The calendar builder on its own: time zone, DST instants, text escaping and folding, and the
attendee splice, each checked by libical (an independent parser) as well as byte by byte."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from invites import ical
from tests.invites.checks import assert_valid, assert_wire_format, libical, prop_lines, unfold

UTC = timezone.utc
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORG = ical.Address("Informationssäkerhet", "sakerhet@region.example")
STAMP = datetime(2024, 9, 1, 12, 0, tzinfo=UTC)


def info(start: datetime, minutes: int = 60, **fields) -> ical.EventInfo:
    values = dict(uid=fields.pop("uid", f"{start:%Y%m%d%H%M}@vaksam"), sequence=0, title="Föreläsning",
                  description="Om klassning.", starts_at=start, ends_at=start + timedelta(minutes=minutes),
                  place="Aulan", online_url="", status="confirmed", created_at=STAMP, updated_at=STAMP)
    values.update(fields)
    return ical.EventInfo(**values)


def publish(*infos: ical.EventInfo) -> bytes:
    return ical.calendar("PUBLISH", [ical.event(i, organizer=ORG, stamp=STAMP, method="PUBLISH",
                                                description=i.description) for i in infos])


def local(*args, fold=0) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM, fold=fold).astimezone(UTC)


@pytest.mark.parametrize("start, utc, tzid", [
    (local(2024, 10, 27, 9, 0), "20241027T080000Z", "Europe/Stockholm"),        # after the clocks went back
    (local(2024, 10, 26, 9, 0), "20241026T070000Z", "Europe/Stockholm"),        # the day before: summer time
    (local(2024, 10, 27, 2, 30, fold=0), "20241027T003000Z", None),             # 02:30 the first time (CEST)
    (local(2024, 10, 27, 2, 30, fold=1), "20241027T013000Z", None),             # 02:30 the second time (CET)
    (local(2024, 10, 27, 1, 30), "20241026T233000Z", "Europe/Stockholm"),
    (local(2024, 10, 27, 3, 0), "20241027T020000Z", "Europe/Stockholm"),
    (local(2025, 3, 30, 9, 0), "20250330T070000Z", "Europe/Stockholm"),         # after the clocks went forward
    (local(2025, 3, 30, 1, 30), "20250330T003000Z", "Europe/Stockholm"),        # just before the gap
    (local(2025, 3, 30, 3, 0), "20250330T010000Z", "Europe/Stockholm"),         # just after the gap
    (local(2025, 3, 29, 9, 0), "20250329T080000Z", "Europe/Stockholm"),
])
def test_dst_days_land_at_the_right_utc_instant(start, utc, tzid, tmp_path):
    data = publish(info(start))
    [result] = libical(data, tmp_path=tmp_path)
    event = assert_valid(result)["events"][0]
    assert event["dtstart_utc"] == utc
    assert event["dtstart_tzid"] == tzid
    # The repeated hour is written in UTC: a local 02:30 there would be ambiguous.
    assert (prop_lines(data, "DTSTART")[-1].endswith("Z")) == (tzid is None)


def test_vtimezone_is_rule_based_and_agrees_with_the_tz_database_for_years(tmp_path):
    """Every 3 hours through the transition weeks of 2024-2030: libical, using OUR VTIMEZONE,
    lands where Python's tz database says."""
    starts = []
    for year in range(2024, 2031):
        for month in (3, 10):
            first = datetime(year, month, 24, 0, 0, tzinfo=UTC)
            starts += [first + timedelta(hours=3 * k) for k in range(8 * 8)]
    data = publish(*[info(s, uid=f"{s:%Y%m%d%H%M}@vaksam") for s in starts])
    assert b"RDATE" not in data  # not icalendar's add_missing_timezones() output
    text = unfold(data)
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text and "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert text.count("BEGIN:VTIMEZONE") == 1
    [result] = libical(data, tmp_path=tmp_path)
    assert_valid(result)
    got = {e["uid"]: e["dtstart_utc"] for e in result["events"]}
    assert len(got) == len(starts)
    for s in starts:
        assert got[f"{s:%Y%m%d%H%M}@vaksam"] == s.strftime("%Y%m%dT%H%M%SZ")


LONG = ("Välkommen till höstens föreläsning om säker hantering av information på vårdcentralen i Åre; "
        "ta med kaffe, frågor och gärna en kollega 😀🔐 — vi går igenom klassning, "
        "registerförteckning och vad som händer när någon öppnar en bifogad fil från en okänd avsändare. "
        "Sökväg: C:\\Nya filer\\Överenskommelse, version 2. 👩🏽‍💻 Slut.")


def test_long_swedish_text_is_escaped_and_folded_without_breaking_utf8(tmp_path):
    messy = LONG + "\r\nRad två\rRad tre\x0b\x00 och en tabb\there"
    event = info(datetime(2024, 10, 8, 10, 0, tzinfo=UTC), title="Säkerhet; för alla, överallt 😀 " * 3,
                 description=messy, place="Sal 3, Folkhögskolan; plan 2")
    data = publish(event)
    lines = assert_wire_format(data)
    assert any(line.startswith(b" ") for line in lines)  # long lines really were folded
    assert max(len(line) for line in lines) >= 70
    [result] = libical(data, tmp_path=tmp_path)
    parsed = assert_valid(result)["events"][0]
    assert parsed["description"] == LONG + "\nRad två\nRad tre och en tabb\there"
    assert parsed["summary"] == ("Säkerhet; för alla, överallt 😀 " * 3).strip()
    assert parsed["location"] == "Sal 3, Folkhögskolan; plan 2"
    assert "C:\\\\Nya filer\\\\Överenskommelse\\, version 2" in unfold(data)


def test_icalendar_own_text_escaping_is_why_we_escape_ourselves():
    """icalendar's vText turns a literal backslash-N into a line break and lets a lone CR through,
    which would break a content line; ical._Text does neither."""
    from icalendar import vText

    assert vText("C:\\Nya").to_ical() == b"C:\\nya"  # the N became a line break
    assert b"\r" in vText("a\rb").to_ical()
    assert ical._Text("C:\\Nya").to_ical() == b"C:\\\\Nya"
    assert ical._Text("a\rb").to_ical() == b"a\\nb"


def test_request_with_one_attendee_passes_itip_checks(tmp_path):
    to = ical.Address('Åsa "Ninja" Öberg, IT', "asa@region.example")
    event = ical.event(info(datetime(2024, 10, 8, 10, 0, tzinfo=UTC), online_url="https://teams.example/m?id=1&x=2"),
                       organizer=ORG, stamp=STAMP, method="REQUEST", description="Hej", sequence=3, to=to,
                       alarm_minutes=15)
    full = ical.calendar("REQUEST", [event])
    without = ical.calendar("REQUEST", [ical.event(
        info(datetime(2024, 10, 8, 10, 0, tzinfo=UTC), online_url="https://teams.example/m?id=1&x=2"),
        organizer=ORG, stamp=STAMP, method="REQUEST", description="Hej", sequence=3, alarm_minutes=15)])
    spliced = ical.with_attendee(without, to)
    assert_wire_format(spliced)
    a, b = libical(full, spliced, tmp_path=tmp_path)
    for result in (a, b):
        ev = assert_valid(result)["events"][0]
        assert result["method"] == "REQUEST"
        assert ev["sequence"] == 3
        assert ev["url"] == "https://teams.example/m?id=1&x=2"
        assert [x["value"] for x in ev["attendees"]] == ["mailto:asa@region.example"]
        params = ev["attendees"][0]["params"]
        assert params["RSVP"] == "TRUE" and params["PARTSTAT"] == "NEEDS-ACTION" and params["ROLE"] == "REQ-PARTICIPANT"
        assert ev["organizer"]["value"] == "mailto:sakerhet@region.example"
        assert ev["alarms"] == [{"trigger": "-PT15M", "action": "DISPLAY"}]
    assert a["events"] == b["events"]


def test_cancel_of_the_activity_has_status_cancelled_and_no_alarm(tmp_path):
    to = ical.Address("Bo", "bo@region.example")
    event = ical.event(info(datetime(2024, 10, 8, 10, 0, tzinfo=UTC), status="cancelled"), organizer=ORG,
                       stamp=STAMP, method="CANCEL", description="Inställd", sequence=2, to=to, alarm_minutes=15)
    [result] = libical(ical.calendar("CANCEL", [event]), tmp_path=tmp_path)
    ev = assert_valid(result)["events"][0]
    assert result["method"] == "CANCEL" and ev["status"] == "CANCELLED" and ev["alarms"] == []


def test_cancel_of_one_attendee_leaves_the_status_alone(tmp_path):
    """RFC 5546 §3.2.5: STATUS:CANCELLED would cancel the meeting for everyone (Outlook shows it so)."""
    to = ical.Address("Bo", "bo@region.example")
    event = ical.event(info(datetime(2024, 10, 8, 10, 0, tzinfo=UTC)), organizer=ORG, stamp=STAMP,
                       method="CANCEL", description="Avanmäld", sequence=2, to=to, alarm_minutes=15)
    data = ical.calendar("CANCEL", [event])
    [result] = libical(data, tmp_path=tmp_path)
    ev = assert_valid(result)["events"][0]
    assert result["method"] == "CANCEL" and ev["status"] == "CONFIRMED" and ev["alarms"] == []
    assert b"STATUS:CANCELLED" not in data


def test_publish_feed_has_its_headers_and_no_attendee(tmp_path):
    data = ical.calendar("PUBLISH", [ical.event(info(datetime(2024, 10, 8, 10, 0, tzinfo=UTC), status="cancelled"),
                                                organizer=ORG, stamp=STAMP, method="PUBLISH", description="x")],
                         name="Säkerhetsmånaden oktober 2024", refresh_minutes=90)
    text = unfold(data)
    for line in ("NAME:Säkerhetsmånaden oktober 2024", "X-WR-CALNAME:Säkerhetsmånaden oktober 2024",
                 "X-WR-TIMEZONE:Europe/Stockholm", "REFRESH-INTERVAL;VALUE=DURATION:PT1H30M",
                 "X-PUBLISHED-TTL:PT1H30M", "METHOD:PUBLISH", "STATUS:CANCELLED"):
        assert line in text.split("\r\n"), line
    assert "ATTENDEE" not in text
    [result] = libical(data, tmp_path=tmp_path)
    assert assert_valid(result)["events"][0]["status"] == "CANCELLED"
