"""Campaigns and activities: forms with bad input, sequence bumps for invites, copy to next year."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from campaign.activities import ActivityData, CampaignData, copy_to_next_year, next_title, save_activity, save_campaign
from campaign.operations import PlanError
from extensions import db
from models import Activity, Campaign, PlanMessage, utcnow
from tests.campaign.conftest import FUTURE

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def october(app, region):
    comms = region["comms"]
    campaign = save_campaign(CampaignData("Informationssäkerhetsmånaden oktober 2031", date(2031, 10, 1),
                                          date(2031, 10, 31), "Mål", ["Säkert Beteende", "Registerförteckning"],
                                          comms.id), comms, utcnow())
    db.session.commit()
    return campaign


def activity_data(region, **changes) -> ActivityData:
    start = datetime(2031, 10, 7, 10, 0, tzinfo=timezone.utc)
    values = dict(title="Lunchföreläsning", description="", theme="Säkert Beteende", kind="lecture", starts_at=start,
                  ends_at=start + timedelta(hours=1), place="Aulan", online_url="", whole_region=True, capacity=100,
                  organiser_id=region["comms"].id, status="planned", unit_ids=[])
    values.update(changes)
    return ActivityData(**values)


def test_activity_keeps_uid_and_bumps_sequence_on_significant_changes(app, region, october):
    comms = region["comms"]
    activity = save_activity(october, activity_data(region), comms, utcnow())
    uid = activity.uid
    assert activity.sequence == 0 and uid.endswith("@vaksam")
    save_activity(october, activity_data(region, description="Mer text", capacity=120), comms, utcnow(), activity)
    assert activity.sequence == 0  # description and capacity do not change an invite's meaning
    save_activity(october, activity_data(region, place="Sal 3"), comms, utcnow(), activity)
    save_activity(october, activity_data(region, place="Sal 3", status="cancelled"), comms, utcnow(), activity)
    assert activity.sequence == 2 and activity.uid == uid


@pytest.mark.parametrize("changes, code", [
    ({"ends_at": datetime(2031, 10, 7, 9, 0, tzinfo=timezone.utc)}, "end_before_start"),
    ({"starts_at": datetime(2020, 10, 7, 9, 0, tzinfo=timezone.utc),
      "ends_at": datetime(2020, 10, 7, 10, 0, tzinfo=timezone.utc)}, "in_past"),
    ({"theme": "Okänt tema"}, "unknown_theme"),
    ({"whole_region": False}, "no_units"),
    ({"whole_region": False, "unit_ids": [999999]}, "unknown_unit"),
    ({"place": "", "online_url": ""}, "no_place"),
    ({"online_url": "javascript:alert(1)"}, "bad_url"),
    ({"online_url": "data:text/html,<script>x</script>"}, "bad_url"),
    ({"online_url": 'https://teams.example/x" onmouseover="alert(1)'}, "bad_url"),
    ({"online_url": "https://teams.example/x\r\nATTENDEE:mailto:spy@evil.example"}, "bad_url"),
])
def test_bad_activity_is_refused(app, region, october, changes, code):
    with pytest.raises(PlanError) as error:
        save_activity(october, activity_data(region, **changes), region["comms"], utcnow())
    assert error.value.code == code


def test_activity_form_errors_in_swedish(app, client, auth, region, october):
    auth.login("comms")
    data = {"title": "Quiz", "theme": "Säkert Beteende", "kind": "quiz", "starts_at": "2031-10-08T10:00",
            "ends_at": "2031-10-08T09:00", "place": "", "online_url": "javascript:alert(1)", "whole_region": "0",
            "capacity": "många", "organiser_id": str(region["comms"].id), "status": "planned", "form_token": "t"}
    response = client.post(f"/kampanjer/{october.id}/aktiviteter/ny", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for text in ("Slutet måste vara efter början.", "Ange en fullständig adress som börjar med https://.",
                 "Välj minst en enhet.", "Ange antalet som ett heltal."):
        assert text in page, text
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0


def test_activity_form_in_local_time_and_double_submit(app, client, auth, region, october):
    auth.login("comms")
    data = {"title": "Quiz", "theme": "Säkert Beteende", "kind": "quiz", "starts_at": "2031-10-08T10:00",
            "ends_at": "2031-10-08T11:00", "place": "Aulan", "online_url": "https://teams.example/x",
            "whole_region": "0", "unit_ids": [str(region["units"]["pv"].id), str(region["units"]["rs"].id)],
            "capacity": "30", "organiser_id": str(region["comms"].id), "status": "confirmed", "form_token": "tok"}
    assert client.post(f"/kampanjer/{october.id}/aktiviteter/ny", data=data).status_code == 302
    assert client.post(f"/kampanjer/{october.id}/aktiviteter/ny", data=data).status_code == 302
    (activity,) = db.session.scalars(select(Activity)).all()
    assert activity.starts_at == datetime(2031, 10, 8, 8, 0, tzinfo=timezone.utc)  # CEST = UTC+2
    assert sorted(u.name for u in activity.units) == ["Primärvården", "Regionservice"]


def test_campaign_title_is_unique_and_period_checked(app, client, auth, region, october):
    auth.login("comms")
    data = {"title": october.title, "starts_on": "2031-10-01", "ends_on": "2031-10-31", "themes": "A\nB",
            "owner_id": str(region["comms"].id)}
    response = client.post("/kampanjer/ny", data=data)
    assert response.status_code == 400 and "Det finns redan en kampanj med det namnet." in response.get_data(as_text=True)
    response = client.post("/kampanjer/ny", data={**data, "title": "Ny", "ends_on": "2031-09-01"})
    assert "Sista dagen kan inte vara före den första." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_next_title():
    assert next_title("Informationssäkerhetsmånaden oktober 2024", 2024) == "Informationssäkerhetsmånaden oktober 2025"
    assert next_title("Säkerhetsveckan", 2024) == "Säkerhetsveckan 2025"


def test_copy_to_next_year(app, region, october, make_message):
    comms = region["comms"]
    tue = datetime(2031, 10, 7, 10, 0, tzinfo=STHLM).astimezone(timezone.utc)  # Tuesday week 41
    save_activity(october, activity_data(region, starts_at=tue, ends_at=tue + timedelta(hours=1), status="confirmed",
                                         whole_region=False, unit_ids=[region["units"]["pv"].id]), comms, utcnow())
    cancelled = save_activity(october, activity_data(region, title="Inställd"), comms, utcnow())
    cancelled.status = "cancelled"
    mon = datetime(2031, 10, 27, 8, 0, tzinfo=STHLM).astimezone(timezone.utc)  # Monday week 44, after DST ends
    message = make_message("scheduled", planned_at=mon, campaign_id=october.id, now=FUTURE.replace(year=2030))
    original = db.session.get(Activity, 1)
    report = copy_to_next_year(october, comms, utcnow())
    db.session.commit()
    copy = report.campaign
    assert copy.title == "Informationssäkerhetsmånaden oktober 2032" and copy.copied_from_id == october.id
    assert (copy.starts_on, copy.ends_on) == (date(2032, 10, 1), date(2032, 10, 31))
    assert report.activities == 1 and report.messages == 1
    (activity,) = copy.activities
    assert activity.starts_at.astimezone(STHLM).replace(tzinfo=None) == datetime(2032, 10, 5, 10, 0)  # Tue wk 41
    assert activity.status == "planned" and activity.uid != original.uid and activity.sequence == 0
    assert [u.name for u in activity.units] == ["Primärvården"]
    new_message = db.session.scalar(select(PlanMessage).where(PlanMessage.campaign_id == copy.id))
    assert new_message.status == "draft" and new_message.id != message.id
    assert new_message.planned_at.astimezone(STHLM).replace(tzinfo=None) == datetime(2032, 10, 25, 8, 0)  # Mon wk 44
    assert new_message.transitions[0].comment.startswith("Kopierad från")
    with pytest.raises(PlanError) as error:  # copying again would clash with the copy's title
        copy_to_next_year(october, comms, utcnow())
    assert error.value.code == "duplicate_title"


def test_copy_over_http_reports_and_redirects(app, client, auth, region, october):
    auth.login("comms")
    response = client.post(f"/kampanjer/{october.id}/kopiera")
    assert response.status_code == 302
    copy = db.session.scalar(select(Campaign).where(Campaign.copied_from_id == october.id))
    assert response.location.endswith(f"/kampanjer/{copy.id}")
    assert client.post(f"/kampanjer/{october.id}/kopiera").status_code == 302  # a second click: no second copy
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 2
