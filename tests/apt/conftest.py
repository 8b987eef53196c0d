"""APT fixtures: the same region as the pulse tests, an APT activity and an APT plan message for HSF."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from extensions import db
from tests.pulse import conftest as pulse_fixtures

region = pulse_fixtures.region

#: Inside the activity's period (1–31 October 2031).
NOW = datetime(2031, 10, 20, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def apt(region):
    from models import Activity, Campaign

    campaign = Campaign(title="Oktober 2031", starts_on=date(2031, 10, 1), ends_on=date(2031, 10, 31), themes=["A"],
                        owner_id=region["admin"].id)
    activity = Activity(campaign=campaign, uid="apt1@vaksam", title="APT-material: phishing", theme="A", kind="apt",
                        starts_at=datetime(2031, 10, 1, 6, tzinfo=timezone.utc),
                        ends_at=datetime(2031, 10, 31, 15, tzinfo=timezone.utc), organiser_id=region["admin"].id,
                        whole_region=False, units=[region["units"]["hsf"]])
    db.session.add_all([campaign, activity])
    db.session.commit()
    return activity


@pytest.fixture
def make_apt_message(region):
    """make_apt_message(status="published", sent_at=…) → a plan message on the APT channel for HSF."""
    from models import PlanMessage

    def make(status: str = "published", sent_at: datetime | None = datetime(2031, 10, 6, 8, tzinfo=timezone.utc),
             channel: str = "APT-material", title: str = "APT: lösenordsfraser"):
        message = PlanMessage(title=title, body="Prata om **lösenordsfraser** på APT.", channel=channel,
                              audience="managers", planned_at=datetime(2031, 10, 6, 8, tzinfo=timezone.utc),
                              owner_id=region["admin"].id, status=status, sent_at=sent_at,
                              units=[region["units"]["hsf"]])
        db.session.add(message)
        db.session.commit()
        return message

    return make
