"""All-day and recurring activities through the activity form, and every occurrence in the
month calendar, the årshjul and the lists."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from extensions import db
from models import Activity
from tests.campaign.test_activities import october  # noqa: F401  (fixture)

UTC = timezone.utc


def form(region, **changes) -> dict:
    data = {"title": "Säkerhetsfika", "theme": "Säkert Beteende", "kind": "apt", "starts_at": "2031-10-07T12:00",
            "ends_at": "2031-10-07T12:30", "place": "Fikarummet", "online_url": "", "whole_region": "1",
            "capacity": "", "organiser_id": str(region["comms"].id), "status": "confirmed", "form_token": "tok",
            "repeat": "WEEKLY", "repeat_interval": "1", "repeat_days": ["TU"], "repeat_until": "2031-10-28",
            "cancelled_dates": "2031-10-14"}
    data.update(changes)
    return data


def test_weekly_fika_every_tuesday_in_october_is_in_the_calendar_and_the_wheel(app, client, auth, region,
                                                                             october):  # noqa: F811
    auth.login("comms")
    assert client.post(f"/kampanjer/{october.id}/aktiviteter/ny", data=form(region)).status_code == 302
    activity = db.session.scalars(select(Activity)).one()
    assert activity.rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20311028T225959Z"
    assert activity.exdates == ["2031-10-14T12:00:00"]
    page = client.get("/plan/kalender?month=2031-10").get_data(as_text=True)
    assert page.count("Säkerhetsfika") == 3  # 7th, 21st and 28th; the 14th is cancelled
    for day in ("2031-10-07T10:00:00+00:00", "2031-10-21T10:00:00+00:00", "2031-10-28T11:00:00+00:00"):
        assert day in page, day  # 12:00 local before and after the change to winter time
    wheel = client.get("/plan/arshjul?year=2031").get_data(as_text=True)
    assert wheel.count("Säkerhetsfika") >= 3
    edit = client.get(f"/aktiviteter/{activity.id}/andra").get_data(as_text=True)
    assert "2031-10-28" in edit and "2031-10-14" in edit  # the form shows the rule it saved


def test_all_day_activity_over_two_days(app, client, auth, region, october):  # noqa: F811
    auth.login("comms")
    data = form(region, title="Säkerhetsmässa", repeat="", all_day="y", starts_at="2031-10-08T08:00",
                ends_at="2031-10-09T16:00", cancelled_dates="", repeat_until="")
    assert client.post(f"/kampanjer/{october.id}/aktiviteter/ny", data=data).status_code == 302
    activity = db.session.scalars(select(Activity)).one()
    assert activity.all_day and activity.rrule == ""
    assert activity.starts_at == datetime(2031, 10, 7, 22, 0, tzinfo=UTC)  # local midnight
    assert activity.ends_at == datetime(2031, 10, 9, 22, 0, tzinfo=UTC)  # the midnight after the last day
    page = client.get("/plan/kalender?month=2031-10").get_data(as_text=True)
    assert page.count("Säkerhetsmässa") == 2 and "Heldag" in page
    listing = client.get(f"/kampanjer/{october.id}").get_data(as_text=True)
    assert "onsdag 8 oktober 2031–torsdag 9 oktober 2031" in listing


def test_a_rule_without_an_end_is_refused(app, client, auth, region, october):  # noqa: F811
    auth.login("comms")
    response = client.post(f"/kampanjer/{october.id}/aktiviteter/ny", data=form(region, repeat_until=""))
    assert response.status_code == 400
    assert "ange ett slut" in response.get_data(as_text=True)
    assert db.session.scalars(select(Activity)).all() == []
