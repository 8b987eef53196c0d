"""The demo's October 2024 campaign."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from demo.load import load_demo
from extensions import db
from models import Activity, Campaign, PlanMessage
from models.campaign import THEMES_2024
from tests.conftest import demo_password


@pytest.fixture
def app_config():
    return {"DEMO_MODE": True}  # the demo loads only in demo mode


def test_demo_campaign_is_complete_and_idempotent(app, client):
    first = load_demo()["campaign"]
    second = load_demo()["campaign"]
    assert first["created"] and not second["created"] and first["campaign_id"] == second["campaign_id"]
    # (demo/invites.py adds a second campaign of upcoming open lectures; this test is about October 2024)
    assert db.session.scalar(select(func.count()).select_from(Campaign)
                             .where(Campaign.title == "Informationssäkerhetsmånaden oktober 2024")) == 1
    campaign = db.session.get(Campaign, first["campaign_id"])
    assert campaign.title == "Informationssäkerhetsmånaden oktober 2024"
    activities = list(db.session.scalars(select(Activity).where(Activity.campaign_id == campaign.id)))
    assert 10 <= len(activities) <= 14 and {a.theme for a in activities} == set(THEMES_2024)
    messages = list(db.session.scalars(select(PlanMessage)))
    statuses = Counter(m.status for m in messages)
    assert 18 <= len(messages) <= 22 and statuses["sent"] >= 3 and statuses["review"] >= 2
    assert len({m.channel for m in messages}) == 7
    sent = [m for m in messages if m.status == "sent"]
    assert all(m.recipient_count and m.transitions[-1].to_status == "sent" for m in sent)

    client.post("/login", data={"username": "kommunikator", "password": demo_password("kommunikator")})
    for path in ["/plan?month=2024-10", f"/kampanjer/{campaign.id}", "/plan/kalender?month=2024-10",
                 "/plan/arshjul?year=2024", "/plan/uppgifter", f"/plan/{messages[0].id}"]:
        assert client.get(path).status_code == 200, path
    page = client.get("/plan/arshjul?year=2024").get_data(as_text=True)
    assert "Informationssäkerhetsmånaden oktober 2024" in page and "Lunchföreläsning: Klassa din information" in page
