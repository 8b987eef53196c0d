"""APT-kvittens: one click for one's own unit, a stand-in may confirm, coverage moves."""
from __future__ import annotations

from datetime import date, datetime, timezone

import time_machine

from extensions import db
from tests.apt.conftest import NOW


def test_expected_units_are_the_managers_units_in_the_audience(apt, region):
    from apt import queries

    names = {u.name for u in queries.expected_units(apt)}
    # boss (HSF) manages the leads; the leads (Akut, PV) manage staff; RS is outside the audience
    assert names == {"Hälso- och sjukvårdsförvaltningen", "Akutkliniken", "Primärvården"}


def test_a_manager_confirms_in_one_click_and_the_coverage_moves(apt, region, client, auth):
    from apt import queries

    assert queries.coverage_share([apt]) == (0, 3)
    auth.login("akutlead")
    with time_machine.travel(NOW, tick=False):
        page = client.get("/apt")
        assert "APT-material: phishing" in page.text and "Akutkliniken" in page.text
        done = client.post(f"/apt/{apt.id}/{region['units']['akut'].id}", data={"present_count": "12"},
                           follow_redirects=True)
        again = client.post(f"/apt/{apt.id}/{region['units']['akut'].id}", follow_redirects=True)
    assert "Tack! Presenterat på APT den 2031-10-20." in done.text
    assert "redan kvitterat" in again.text
    assert queries.coverage_share([apt]) == (1, 3)
    row = queries.confirmations(apt)[region["units"]["akut"].id]
    assert row.present_count == 12 and row.confirmed_by_id == region["akutlead"].id
    auth.logout()
    auth.login("admin")
    coverage = client.get(f"/admin/apt/{apt.id}")
    assert "1 / 3" in coverage.text and "<progress" in coverage.text and "Primärvården" in coverage.text


def test_only_for_ones_own_unit(apt, region, client, auth):
    from apt import queries

    auth.login("akutlead")
    with time_machine.travel(NOW, tick=False):
        refused = client.post(f"/apt/{apt.id}/{region['units']['pv'].id}", follow_redirects=True)
    assert "bara kvittera för din egen enhet" in refused.text
    assert queries.coverage_share([apt]) == (0, 3)


def test_a_stand_in_set_by_the_manager_may_confirm(apt, region, client, auth):
    from apt import queries

    auth.login("pvlead")
    client.post("/apt/stallforetradare", data={"username": "norr0"})
    auth.logout()
    auth.login("norr0")
    with time_machine.travel(NOW, tick=False):
        client.post(f"/apt/{apt.id}/{region['units']['pv'].id}", data={"presented_on": "2031-10-15"})
        refused = client.post(f"/apt/{apt.id}/{region['units']['akut'].id}", follow_redirects=True)
    assert "bara kvittera för din egen enhet" in refused.text
    assert queries.confirmations(apt)[region["units"]["pv"].id].presented_on == date(2031, 10, 15)
    assert queries.coverage_share([apt]) == (1, 3)


def test_coverage_feeds_the_quarterly_kpi(apt, region):
    from sqlalchemy import select

    from apt import operations
    from followup import kpis
    from models import Kpi

    operations.confirm(apt, region["units"]["akut"].id, region["akutlead"], date(2031, 10, 10), None, NOW)
    db.session.commit()
    kpis.ensure_standard_kpis()
    kpi = db.session.scalar(select(Kpi).where(Kpi.source == "apt_coverage"))
    value = kpis.record_computed(kpi, date(2031, 12, 31), datetime(2032, 1, 2, tzinfo=timezone.utc))
    assert value.value == 33.3 and value.breakdown == {"confirmed": 1, "expected": 3}


def test_the_start_page_card_confirms_in_one_click_and_then_goes(apt, region, client, auth):
    from apt import queries

    auth.login("akutlead")
    with time_machine.travel(NOW, tick=False):
        card = client.get("/").text
        assert "APT att bekräfta" in card and "APT-material: phishing" in card
        assert f'action="/apt/{apt.id}/{region["units"]["akut"].id}"' in card
        client.post(f"/apt/{apt.id}/{region['units']['akut'].id}")  # the card's button: today, no count
        after = client.get("/").text
    assert queries.confirmations(apt)[region["units"]["akut"].id].presented_on == date(2031, 10, 20)
    assert "APT att bekräfta" not in after
    auth.logout()
    auth.login("akut0")  # not a manager, no stand-in: no card
    assert "APT att bekräfta" not in client.get("/").text
