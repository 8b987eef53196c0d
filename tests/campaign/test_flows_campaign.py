"""Planner conveniences: copy a campaign to a chosen year, a warning for items dated outside
their campaign's period, and past activities without "add to calendar" or free seats."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from campaign.activities import ActivityData, CampaignData, save_activity, save_campaign
from extensions import db
from models import Campaign, utcnow
from tests.campaign.test_views import form


def _campaign(region, year: int = 2031) -> Campaign:
    campaign = save_campaign(CampaignData(f"Månaden oktober {year}", date(year, 10, 1), date(year, 10, 31), "Mål",
                                          ["Säkert Beteende"], region["comms"].id), region["comms"], utcnow())
    db.session.commit()
    return campaign


def test_copy_to_a_chosen_year(app, client, auth, region):
    october = _campaign(region)
    auth.login("comms")
    page = client.get(f"/kampanjer/{october.id}").get_data(as_text=True)
    assert '<option value="2032" selected>' in page and '<option value="2036">' in page
    response = client.post(f"/kampanjer/{october.id}/kopiera", data={"year": "2034"})
    assert response.status_code == 302
    copy = db.session.scalar(select(Campaign).where(Campaign.copied_from_id == october.id))
    assert copy.starts_on == date(2034, 10, 1) and "2034" in copy.title
    client.post(f"/kampanjer/{october.id}/kopiera", data={"year": "2031"})  # not after its own year
    assert "Välj ett år efter kampanjens eget" in client.get(f"/kampanjer/{october.id}").get_data(as_text=True)


def test_a_message_outside_its_campaign_period_gets_a_warning(app, client, auth, region):
    october = _campaign(region, utcnow().year + 1)
    auth.login("comms")
    inside = f"{october.starts_on.year}-10-07T09:00"
    client.post("/plan/ny", data=form(region, campaign_id=str(october.id), planned_at=inside))
    page = client.get("/plan").get_data(as_text=True)
    assert "utanför kampanjens period" not in page
    outside = f"{october.starts_on.year}-11-20T09:00"
    response = client.post("/plan/ny", data=form(region, campaign_id=str(october.id), planned_at=outside,
                                                 form_token="tok-2", title="Sent"), follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "”Sent” ligger utanför kampanjens period" in body and "flash-warning" in body


def test_past_activities_offer_no_calendar_and_no_seats(app, client, auth, region, time_machine):
    october = _campaign(region, 2031)
    start = datetime(2031, 10, 7, 10, 0, tzinfo=timezone.utc)
    data = ActivityData(title="Förra årets föreläsning", description="", theme="Säkert Beteende", kind="lecture",
                        starts_at=start, ends_at=start + timedelta(hours=1), place="Aulan", online_url="",
                        whole_region=True, capacity=100, organiser_id=region["comms"].id, status="confirmed",
                        unit_ids=[])
    save_activity(october, data, region["comms"], utcnow())
    db.session.commit()
    time_machine.move_to(datetime(2031, 12, 1, 12, 0, tzinfo=timezone.utc), tick=False)
    auth.login("anna")
    page = client.get("/aktiviteter").get_data(as_text=True)
    past = page.split("Förra årets föreläsning")[1].split("</tr>")[0]
    assert "Har redan ägt rum." in past and "Lägg till i kalendern" not in past and "platser lediga" not in past
