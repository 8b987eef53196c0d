"""All-day and recurring activities in calendars, and attendees' REPLY calendars, each read back
by libical (an independent parser that expands RRULE and EXDATE with our own VTIMEZONE)."""
from __future__ import annotations

from datetime import date, timedelta, timezone
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from extensions import db
from invites import ical, itip, operations, recurrence
from models import Activity
from tests.invites import clients
from tests.invites.checks import assert_valid, libical, prop_lines
from tests.invites.conftest import BEFORE
from tests.invites.test_ical import ORG, STAMP, info, local
from tests.invites.test_invitations import by_recipient, deliver

UTC = timezone.utc
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def publish(*infos: ical.EventInfo) -> bytes:
    events = [ev for i in infos for ev in ical.events(i, organizer=ORG, stamp=STAMP, method="PUBLISH",
                                                       description="x", alarm_minutes=15)]
    return ical.calendar("PUBLISH", events)


def test_all_day_activity_is_dates_without_timezone_or_alarm(tmp_path):
    start, end = local(2024, 10, 8, 0, 0), local(2024, 10, 10, 0, 0)  # 8 and 9 October
    data = publish(info(start, all_day=True, ends_at=end))
    assert prop_lines(data, "DTSTART") == ["DTSTART;VALUE=DATE:20241008"]
    assert prop_lines(data, "DTEND") == ["DTEND;VALUE=DATE:20241010"]  # exclusive
    assert b"VTIMEZONE" not in data and b"VALARM" not in data
    [result] = libical(data, tmp_path=tmp_path)
    event = assert_valid(result)["events"][0]
    assert (event["all_day"], event["dtstart_date"], event["dtend_date"]) == (True, "20241008", "20241010")


def test_daily_series_across_the_change_to_winter_time_is_always_at_noon(tmp_path):
    start = local(2024, 10, 24, 12, 0)
    rule = recurrence.build("DAILY", count=7, tz=STOCKHOLM)
    data = publish(info(start, rrule=rule))
    [result] = libical(data, tmp_path=tmp_path)
    event = assert_valid(result)["events"][0]
    assert event["rrule"] == "FREQ=DAILY;COUNT=7"
    assert event["occurrences"] == ["20241024T100000Z", "20241025T100000Z", "20241026T100000Z",
                                    "20241027T110000Z", "20241028T110000Z", "20241029T110000Z", "20241030T110000Z"]
    ours = [o.starts_at.strftime("%Y%m%dT%H%M%SZ") for o in recurrence.occurrences(
        start, start + timedelta(hours=1), rule, STOCKHOLM)]
    assert ours == event["occurrences"]  # the month calendar shows what calendars show
    assert {o.astimezone(STOCKHOLM).hour for o in recurrence.starts(start, rule, STOCKHOLM)} == {12}


def test_weekly_tuesdays_with_a_cancelled_and_a_moved_occurrence(tmp_path):
    start = local(2024, 10, 1, 12, 0)
    rule = recurrence.build("WEEKLY", byday=("TU",), until=date(2024, 10, 31), tz=STOCKHOLM)
    assert rule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20241031T225959Z"
    series = info(start, rrule=rule, exdates=(local(2024, 10, 15, 12, 0),),
                  moved=((local(2024, 10, 22, 12, 0), local(2024, 10, 23, 14, 0), local(2024, 10, 23, 15, 0)),))
    data = publish(series)
    [result] = libical(data, tmp_path=tmp_path)
    master, moved = assert_valid(result)["events"]
    assert master["exdates"] == ["20241015T120000"]
    assert master["occurrences"] == ["20241001T100000Z", "20241008T100000Z", "20241022T100000Z",
                                     "20241029T110000Z"]  # the 22nd is replaced by its override below
    assert moved["uid"] == master["uid"] and moved["recurrence_id"] == "20241022T120000"
    assert moved["dtstart_utc"] == "20241023T120000Z" and moved["rrule"] is None


def test_an_occurrence_on_27_october_2024_in_an_all_day_series(tmp_path):
    start, end = local(2024, 10, 20, 0, 0), local(2024, 10, 21, 0, 0)
    rule = recurrence.build("WEEKLY", count=3, all_day=True)
    [result] = libical(publish(info(start, ends_at=end, all_day=True, rrule=rule)), tmp_path=tmp_path)
    event = assert_valid(result)["events"][0]
    assert event["all_day"] and len(event["occurrences"]) == 3
    keys = [o.key for o in recurrence.occurrences(start, end, rule, STOCKHOLM, all_day=True)]
    assert keys == ["2024-10-20", "2024-10-27", "2024-11-03"]


def test_reply_calendars_of_each_client_are_valid_itip(tmp_path):
    cals = [clients.outlook_calendar("u1@vaksam", "anna@example.se", "Anna", "ACCEPTED"),
            itip.calendar_bytes(itip.parse_message(clients.google("u1@vaksam", "anna@example.se", "Anna"))[1]),
            itip.calendar_bytes(itip.parse_message(clients.apple("u1@vaksam", "anna@example.se", "Anna"))[1])]
    for result in libical(*cals, tmp_path=tmp_path):
        assert result["method"] == "REPLY"
        event = assert_valid(result)["events"][0]
        assert event["uid"] == "u1@vaksam" and len(event["attendees"]) == 1
    answers = [itip.read_answers(c)[0] for c in cals]
    assert [a.partstat for a in answers] == ["ACCEPTED", "DECLINED", "TENTATIVE"]


def test_invitation_to_a_series_carries_the_rule_and_each_moved_occurrence(app, world, make_activity,
                                                                           update_activity, smtp, tmp_path):
    start = local(2024, 10, 1, 12, 0)
    activity = make_activity(start, start + timedelta(hours=1), units=[world["units"]["rs"]])
    rule = recurrence.build("WEEKLY", byday=("TU",), count=5, tz=STOCKHOLM)
    update_activity(activity, rrule=rule, exdates=["2024-10-15T12:00:00"],
                    overrides=[{"recurrence_id": "2024-10-22T12:00:00",
                                "starts_at": local(2024, 10, 22, 14, 0).isoformat(),
                                "ends_at": local(2024, 10, 22, 15, 0).isoformat()}])
    operations.invite_audience(db.session.scalar(select(Activity)), BEFORE)
    db.session.commit()
    mail = by_recipient(deliver(smtp, 2))["rut@example.se"]
    ics = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"][0].get_payload(decode=True)
    [result] = libical(ics, tmp_path=tmp_path)
    master, moved = assert_valid(result)["events"]
    for event in (master, moved):  # the one ATTENDEE on every VEVENT of the series
        assert [a["value"] for a in event["attendees"]] == ["mailto:rut@example.se"]
    assert master["rrule"] in ("FREQ=WEEKLY;COUNT=5;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU;COUNT=5")
    assert len(master["occurrences"]) == 4 and "20241029T110000Z" in master["occurrences"]
    assert moved["dtstart_utc"] == "20241022T120000Z"
    # COUNT counts the cancelled 15th too (RFC 5545: EXDATE applies after COUNT).
    assert "Tillfällen: 1 okt., 8 okt., 22 okt. 14:00, 29 okt.\n" in mail.text().replace("\r\n", "\n")


def test_a_stored_rule_that_cannot_be_expanded_is_a_server_error_not_a_refusal(app, world, make_activity, runner):
    """RecurrenceError shares InviteError's root, but the invitation CLI (and views) still let it through
    instead of reporting a broken rule in the database as a refusal."""
    start = local(2024, 10, 1, 12, 0)
    activity = make_activity(start, start + timedelta(hours=1), units=[world["units"]["rs"]])
    activity.rrule = "FREQ=WEEKLY;COUNT=five"  # never made by the forms: edited in the database
    db.session.commit()
    with time_machine.travel(BEFORE, tick=True):
        result = runner.invoke(args=["invites", "send", str(activity.id)])
    assert isinstance(result.exception, recurrence.RecurrenceError), result.output
    assert "Cannot invite" not in result.output
