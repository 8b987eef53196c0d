"""A plan message on the APT channel is an APT material like an activity of kind "apt": same
confirmation, coverage page and KPI."""
from __future__ import annotations

from datetime import date, datetime, timezone

import time_machine

from extensions import db
from tests.apt.conftest import NOW


def test_a_published_apt_message_is_confirmed_and_covered(make_apt_message, region, client, auth):
    from apt import queries

    message = make_apt_message()
    akut = region["units"]["akut"].id
    auth.login("akutlead")
    with time_machine.travel(NOW, tick=False):
        listed = client.get("/apt")
        page = client.get(f"/apt/meddelande/{message.id}")
        done = client.post(f"/apt/meddelande/{message.id}/{akut}", data={"present_count": "7", "single": "1"},
                           follow_redirects=True)
    assert "APT: lösenordsfraser" in listed.text and f"/apt/meddelande/{message.id}" in listed.text
    assert "Presenterat på APT den" in page.text and 'value="2031-10-20"' in page.text
    assert "Tack! Presenterat på APT den 2031-10-20." in done.text
    row = queries.confirmations(message)[akut]
    assert (row.message_id, row.activity_id, row.present_count) == (message.id, None, 7)
    auth.logout()
    auth.login("admin")
    overview = client.get("/admin/apt")
    coverage = client.get(f"/admin/apt/meddelande/{message.id}")
    assert "APT: lösenordsfraser" in overview.text and "1 / 3" in overview.text
    assert "1 / 3" in coverage.text and "Primärvården" in coverage.text
    assert coverage.headers["Cache-Control"] == "no-store"


def test_a_draft_or_other_channel_message_is_no_material(make_apt_message, region, client, auth):
    draft = make_apt_message(status="draft", sent_at=None)
    intranet = make_apt_message(channel="intranät", title="Intranätsnytt")
    auth.login("akutlead")
    with time_machine.travel(NOW, tick=False):
        for message in (draft, intranet):
            assert client.get(f"/apt/meddelande/{message.id}").status_code == 404
            refused = client.post(f"/apt/meddelande/{message.id}/{region['units']['akut'].id}")
            assert refused.status_code == 404
        assert "Intranätsnytt" not in client.get("/apt").text


def test_an_activity_and_a_message_confirm_separately(apt, make_apt_message, region):
    from apt import operations, queries

    message = make_apt_message()
    akut = region["units"]["akut"].id
    operations.confirm(apt, akut, region["akutlead"], date(2031, 10, 10), None, NOW)
    operations.confirm(message, akut, region["akutlead"], date(2031, 10, 11), None, NOW)
    db.session.commit()
    assert queries.coverage_share([apt]) == (1, 3) and queries.coverage_share([message]) == (1, 3)


def test_the_kpi_counts_messages_whose_deadline_fell_in_the_quarter(make_apt_message, region):
    from sqlalchemy import select

    from apt import operations
    from followup import kpis
    from models import Kpi

    message = make_apt_message()  # out 6 October, deadline 30 days later: 5 November (Q4)
    operations.confirm(message, region["units"]["pv"].id, region["pvlead"], date(2031, 10, 9), None, NOW)
    db.session.commit()
    kpis.ensure_standard_kpis()
    kpi = db.session.scalar(select(Kpi).where(Kpi.source == "apt_coverage"))
    value = kpis.record_computed(kpi, date(2031, 12, 31), datetime(2032, 1, 2, tzinfo=timezone.utc))
    assert value.value == 33.3 and value.breakdown == {"confirmed": 1, "expected": 3}
