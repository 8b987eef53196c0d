"""Overdue APT materials in the managers' digests, end to end through the real outbox and SMTP server.

The org (tests/conftest.py): HSF holds top and otherboss (managers), Akutkliniken holds boss and
lead (managers) with ann and ben. An APT activity for the whole region was due Friday 15 November
2024, so both units are expected to confirm. The training requirement is due 30 November 2024.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from extensions import db
from outbox.sender import send_due
from reminders.rounds import run_round
from tests.training.conftest import local


@pytest.fixture
def app_config(mail_config):
    return mail_config


@pytest.fixture
def apt_activity(org):
    from models import Activity, Campaign

    campaign = Campaign(title="Hösten 2024", starts_on=date(2024, 10, 1), ends_on=date(2024, 12, 31), themes=["A"],
                        owner_id=org["admin"].id)
    activity = Activity(campaign=campaign, uid="apt-digest@vaksam", title="APT-material: Nätfiske", theme="A",
                        kind="apt", starts_at=datetime(2024, 10, 28, 7, tzinfo=timezone.utc),
                        ends_at=datetime(2024, 11, 15, 15, tzinfo=timezone.utc), organiser_id=org["admin"].id,
                        whole_region=True)
    db.session.add_all([campaign, activity])
    db.session.commit()
    return activity


def deliver(smtp) -> dict[str, list]:
    send_due()
    by_to: dict[str, list] = {}
    for m in smtp.messages:
        by_to.setdefault(m.rcpt_tos[0], []).append(m)
    return by_to


def confirm(activity, unit_id, by, day=date(2024, 11, 12)):
    from apt import operations

    operations.confirm(activity, unit_id, by, day, None, local(day.year, day.month, day.day))
    db.session.commit()


def test_an_overdue_apt_rides_in_the_next_reminder_digest(app, org, course, apt_activity, smtp):
    confirm(apt_activity, org["boss"].unit_id, org["boss"])  # Akutkliniken has confirmed; HSF has not
    report = run_round(local(2024, 11, 18, 9, 0))  # the training round -14: digests go out
    db.session.commit()
    assert report.digests == 4 and report.apt_digests == 0  # no separate mail for the APT
    mail = deliver(smtp)
    assert not [m for ms in mail.values() for m in ms if m.subject.startswith("APT")]
    top = [m for m in mail["top@example.se"] if "i ditt team" in m.subject]  # top also gets their own reminder
    assert len(top) == 1
    text = top[0].text()
    assert "APT att bekräfta" in text and "APT-material: Nätfiske (Hälso- och sjukvårdsförvaltningen)" in text
    assert "senast 15 november 2024" in text
    assert f"https://vaksam.region.example/apt/{apt_activity.id}" in text
    assert f'href="https://vaksam.region.example/apt/{apt_activity.id}"' in top[0].html()
    # Akutkliniken confirmed: its managers' digests do not list it
    for address in ("boss@example.se", "lead@example.se"):
        assert not [m for m in mail[address] if "APT att bekräfta" in m.text()]


def test_a_manager_with_only_an_overdue_apt_still_gets_one_digest(app, org, apt_activity, smtp):
    report = run_round(local(2024, 11, 18, 9, 0))  # no requirement: nothing else to tell anyone
    db.session.commit()
    assert (report.digests, report.apt_digests) == (0, 4)
    mail = deliver(smtp)
    assert set(mail) == {"top@example.se", "otherboss@example.se", "boss@example.se", "lead@example.se"}
    lead = mail["lead@example.se"]
    assert len(lead) == 1 and lead[0].subject == "APT att bekräfta: 1 material"
    assert "APT-material: Nätfiske (Akutkliniken)" in lead[0].text()
    assert f"https://vaksam.region.example/apt/{apt_activity.id}" in lead[0].text()
    # an hour later: already listed, nothing new
    assert run_round(local(2024, 11, 18, 10, 0)).apt_digests == 0


def test_once_confirmed_or_confirmed_by_a_stand_in_it_is_not_listed_again(app, org, apt_activity, smtp):
    from apt import operations

    assert run_round(local(2024, 11, 18, 9, 0)).apt_digests == 4
    db.session.commit()
    deliver(smtp)
    operations.set_stand_in(org["top"], org["carl"], local(2024, 11, 19))
    db.session.commit()
    confirm(apt_activity, org["top"].unit_id, org["carl"], date(2024, 11, 19))  # the stand-in confirms HSF
    smtp.clear()
    report = run_round(local(2024, 11, 26, 9, 0))  # past APT_DIGEST_DAYS: listed again if still missing
    db.session.commit()
    assert report.apt_digests == 2
    mail = deliver(smtp)
    assert set(mail) == {"boss@example.se", "lead@example.se"}
    assert "Hälso- och sjukvårdsförvaltningen" not in mail["boss@example.se"][0].text()


def test_the_section_is_in_the_managers_language(app, org, apt_activity, smtp):
    org["lead"].locale = "en"
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    lead = deliver(smtp)["lead@example.se"][0]
    assert lead.subject == "APT to confirm: 1 material"
    assert "APT to confirm" in lead.text() and "by 15 November 2024" in lead.text()


def test_a_dry_run_counts_and_records_nothing(app, org, apt_activity, smtp):
    from sqlalchemy import func, select

    from models import AptDigestEntry, OutboxMessage

    assert run_round(local(2024, 11, 18, 9, 0), dry_run=True).apt_digests == 4
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(AptDigestEntry)) == 0
