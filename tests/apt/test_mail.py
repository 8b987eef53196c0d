"""The APT mail: when an APT material goes out, each manager in its audience gets it, in their
language, with a one-click link to confirm; through the real outbox and SMTP test server."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from extensions import db
from outbox.sender import send_due
from tests.apt.conftest import NOW


@pytest.fixture
def app_config(mail_config):
    return mail_config


def apt_mails(smtp) -> dict[str, list]:
    """Deliver the outbox (at NOW: the mails were queued in 2031); the APT mails by recipient."""
    with time_machine.travel(NOW, tick=False):
        send_due()
    by_to: dict[str, list] = {}
    for m in smtp.messages:
        if m.subject.startswith("APT"):
            by_to.setdefault(m.rcpt_tos[0], []).append(m)
    return by_to


def save_apt_activity(region, whole_region=False):
    from campaign.activities import ActivityData, save_activity
    from models import Campaign

    campaign = Campaign(title="Oktober 2031", starts_on=datetime(2031, 10, 1).date(),
                        ends_on=datetime(2031, 10, 31).date(), themes=["A"], owner_id=region["admin"].id)
    db.session.add(campaign)
    db.session.flush()
    data = ActivityData(title="Nätfiske", description="Visa filmen och prata om nätfiske.", theme="A", kind="apt",
                        starts_at=datetime(2031, 10, 1, 6, tzinfo=timezone.utc),
                        ends_at=datetime(2031, 10, 31, 15, tzinfo=timezone.utc), place="Egen arbetsplats", online_url="",
                        whole_region=whole_region, capacity=None, organiser_id=region["admin"].id,
                        unit_ids=[region["units"]["hsf"].id])
    activity = save_activity(campaign, data, region["admin"], datetime(2031, 9, 25, 9, tzinfo=timezone.utc))
    db.session.commit()
    return activity


def activity_data(activity, **changes):
    from campaign.activities import ActivityData

    values = dict(title=activity.title, description=activity.description, theme=activity.theme, kind=activity.kind,
                  starts_at=activity.starts_at, ends_at=activity.ends_at, place=activity.place, online_url="",
                  whole_region=activity.whole_region, capacity=None, organiser_id=activity.organiser_id,
                  unit_ids=[u.id for u in activity.units])
    values.update(changes)
    return ActivityData(**values)


def test_saving_an_apt_activity_mails_each_manager_in_the_audience_once(app, region, smtp):
    region["pvlead"].locale = "en"
    activity = save_apt_activity(region)
    mails = apt_mails(smtp)
    assert set(mails) == {"boss@example.se", "akutlead@example.se", "pvlead@example.se"}  # not RS, not staff
    akut = mails["akutlead@example.se"]
    assert len(akut) == 1 and akut[0].subject == "APT-material: Nätfiske"
    text = akut[0].text()
    assert f"https://vaksam.region.example/apt/{activity.id}" in text
    assert "senast 31 oktober 2031" in text and "Visa filmen och prata om nätfiske." in text
    english = mails["pvlead@example.se"][0].text()
    assert "by 31 October 2031" in english and "workplace meeting" in english


def test_an_edit_or_a_rerun_mails_nobody_twice(app, region, smtp, runner):
    from campaign.activities import save_activity

    activity = save_apt_activity(region)
    apt_mails(smtp)
    smtp.clear()
    data = activity_data(activity, description="Ny text.")
    save_activity(activity.campaign, data, region["admin"], datetime(2031, 9, 26, tzinfo=timezone.utc), activity)
    db.session.commit()
    result = runner.invoke(args=["apt", "announce", f"activity:{activity.id}", "--json"])
    assert result.exit_code == 0, result.output
    assert '"queued": 0' in result.output
    assert apt_mails(smtp) == {}


def test_publishing_an_apt_plan_message_mails_the_managers(app, region, make_apt_message, smtp):
    from campaign.operations import mark_published

    message = make_apt_message(status="scheduled", sent_at=None)
    with time_machine.travel(NOW, tick=False):
        mark_published(message, region["admin"], NOW)
        db.session.commit()
    mails = apt_mails(smtp)
    assert set(mails) == {"boss@example.se", "akutlead@example.se", "pvlead@example.se"}
    text = mails["boss@example.se"][0].text()
    assert f"https://vaksam.region.example/apt/meddelande/{message.id}" in text
    assert "lösenordsfraser" in text and "**" not in text  # the Markdown body as plain text


def test_the_link_opens_a_prefilled_page_and_one_click_confirms(app, region, smtp, client, auth):
    from apt import queries

    activity = save_apt_activity(region)
    link = apt_mails(smtp)["akutlead@example.se"][0].text().split("https://vaksam.region.example")[1].split()[0]
    auth.login("akutlead")
    with time_machine.travel(NOW, tick=False):
        page = client.get(link)
        assert page.status_code == 200
        assert "Presenterat på APT den" in page.text and 'value="2031-10-20"' in page.text
        assert "Akutkliniken" in page.text and "Primärvården" not in page.text  # only their own unit
        done = client.post(f"{link}/{region['units']['akut'].id}", data={"single": "1"}, follow_redirects=True)
    assert "Tack! Presenterat på APT den 2031-10-20." in done.text
    assert queries.coverage_share([activity]) == (1, 3)
