"""The activity page's form that cancels or moves one occurrence of a recurring activity: the
series' EXDATE / RECURRENCE-ID change, and invitees get an update with a higher SEQUENCE."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from extensions import db
from invites import operations, recurrence
from models import Activity
from tests.invites.checks import assert_valid, libical
from tests.invites.conftest import BEFORE
from tests.invites.test_ical import local
from tests.invites.test_invitations import by_recipient, deliver

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def series(app, world, make_activity, update_activity, smtp, client, auth):
    """Säkerhetsfika every Tuesday in October 2024 for RS (Rut invited), a planner logged in."""
    start = local(2024, 10, 1, 12, 0)
    activity = make_activity(start, start + timedelta(minutes=30), title="Säkerhetsfika", units=[world["units"]["rs"]])
    update_activity(activity, rrule=recurrence.build("WEEKLY", byday=("TU",), count=5, tz=STOCKHOLM))
    operations.invite_audience(activity, BEFORE)
    db.session.commit()
    deliver(smtp, 2)  # Rut and Kim (comms, at RS)
    with time_machine.travel(BEFORE, tick=True):
        auth.login("comms")
        yield db.session.scalar(select(Activity))


def post(client, activity, **data):
    return client.post(f"/aktiviteter/{activity.id}/tillfalle", data=data)


def rut_calendar(smtp, tmp_path) -> dict:
    mail = by_recipient(deliver(smtp, 2))["rut@example.se"]
    ics = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"][0].get_payload(decode=True)
    [result] = libical(ics, tmp_path=tmp_path)
    return assert_valid(result)


def test_the_activity_page_offers_the_occurrences(series, client):
    page = client.get(f"/aktiviteter/{series.id}/andra").get_data(as_text=True)
    assert "Ställ in eller flytta ett tillfälle" in page
    assert 'value="2024-10-15T12:00:00"' in page and 'value="2024-10-29T12:00:00"' in page


def test_moving_one_occurrence_sends_an_override_with_a_higher_sequence(series, client, smtp, tmp_path):
    before = series.sequence
    response = post(client, series, occurrence="2024-10-22T12:00:00", action="move",
                    new_starts_at="2024-10-23T14:00", new_ends_at="2024-10-23T14:30")
    assert response.status_code == 302
    db.session.expire_all()
    assert series.overrides == [{"recurrence_id": "2024-10-22T12:00:00",
                                 "starts_at": "2024-10-23T12:00:00+00:00", "ends_at": "2024-10-23T12:30:00+00:00"}]
    result = rut_calendar(smtp, tmp_path)
    master, moved = result["events"]
    assert result["method"] == "REQUEST" and master["sequence"] == before + 1
    assert moved["recurrence_id"] == "20241022T120000" and moved["dtstart_utc"] == "20241023T120000Z"
    page = client.get(f"/aktiviteter/{series.id}/andra").get_data(as_text=True)
    assert "(flyttat)" in page


def test_cancelling_one_occurrence_adds_an_exdate(series, client, smtp, tmp_path):
    assert post(client, series, occurrence="2024-10-15T12:00:00", action="cancel").status_code == 302
    db.session.expire_all()
    assert series.exdates == ["2024-10-15T12:00:00"]
    [master] = rut_calendar(smtp, tmp_path)["events"]
    assert master["exdates"] == ["20241015T120000"] and "20241015T100000Z" not in master["occurrences"]
    page = client.get(f"/aktiviteter/{series.id}/andra").get_data(as_text=True)
    assert 'value="2024-10-15T12:00:00"' not in page  # a cancelled occurrence is no longer offered


@pytest.mark.parametrize("data, message", [
    ({"occurrence": "2024-10-16T12:00:00", "action": "cancel"}, "Välj ett tillfälle ur listan."),
    ({"occurrence": "2024-10-22T12:00:00", "action": "move"}, "Ange när det flyttade tillfället börjar."),
    ({"occurrence": "2024-10-22T12:00:00", "action": "move", "new_starts_at": "2024-10-23T14:00",
      "new_ends_at": "2024-10-23T13:00"}, "Slutet måste vara efter början."),
    ({"occurrence": "2024-10-22T12:00:00", "action": "move", "new_starts_at": "2024-08-23T14:00",
      "new_ends_at": "2024-08-23T15:00"}, "Ett tillfälle kan inte flyttas till en tid som redan varit."),
    ({"occurrence": "2024-10-22T12:00:00", "action": "flytta"}, "Välj om tillfället ska ställas in eller flyttas."),
])
def test_bad_input_is_refused_with_a_swedish_message_and_changes_nothing(series, client, smtp, data, message):
    sequence = series.sequence
    response = post(client, series, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (series.sequence, series.exdates, series.overrides) == (sequence, [], [])


def test_an_activity_that_does_not_recur_has_no_occurrence_form(app, world, make_activity, client, auth):
    start = local(2024, 10, 1, 12, 0)
    activity = make_activity(start, start + timedelta(hours=1))
    with time_machine.travel(BEFORE, tick=True):
        auth.login("comms")
        assert "Ställ in eller flytta" not in client.get(f"/aktiviteter/{activity.id}/andra").get_data(as_text=True)
        assert post(client, activity, occurrence="x", action="cancel").status_code == 302


def test_an_all_day_occurrence_moves_by_whole_days(app, world, make_activity, update_activity, client, auth):
    start, end = local(2024, 10, 8, 0, 0), local(2024, 10, 9, 0, 0)
    activity = make_activity(start, end, title="Säkerhetsmässa")
    update_activity(activity, all_day=True, rrule=recurrence.build("WEEKLY", count=3, all_day=True))
    with time_machine.travel(BEFORE, tick=True):
        auth.login("comms")
        response = post(client, activity, occurrence="2024-10-15", action="move",
                        new_starts_at="2024-10-17T09:30", new_ends_at="2024-10-18T11:00")
    assert response.status_code == 302
    db.session.expire_all()
    assert activity.overrides == [{"recurrence_id": "2024-10-15", "starts_at": "2024-10-17T00:00:00+02:00",
                                   "ends_at": "2024-10-19T00:00:00+02:00"}]  # both days, the end exclusive
    keys = [(o.key, o.starts_at.isoformat()) for o in recurrence.occurrences(
        activity.starts_at, activity.ends_at, activity.rrule, STOCKHOLM, all_day=True, overrides=activity.overrides)]
    assert keys[1] == ("2024-10-15", "2024-10-17T00:00:00+02:00")
