"""Pulse and APT in a real browser: an employee answers on a 390 px phone and sees the explanations,
a second answer is refused; a manager confirms an APT in one click and the coverage page moves."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


def test_employee_answers_a_pulse_on_a_phone(page_as, live_server):
    page = page_as("employee")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server("/"))
    with page.expect_navigation():  # measured once the pulse page (and its stylesheet) has loaded
        page.get_by_role("link", name=re.compile("Kännedomsmätning")).first.click()
    assert page.locator("form.pulse-form").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page, "pulse form at 390 px")
    for fieldset in page.locator("fieldset.pulse-question").all():
        fieldset.locator("input[type=radio]").first.check()
    url = page.url
    page.get_by_role("button", name="Skicka svar").click()
    assert page.get_by_text("Tack för ditt svar!").is_visible()
    assert page.get_by_text("Journaluppgifter är alltid känsliga").is_visible()
    axe_check(page, "pulse answers at 390 px")
    page.goto(url)
    assert page.get_by_text("Du har redan svarat").is_visible()
    assert page.locator("form.pulse-form").count() == 0


def _demo_ids(live_server) -> tuple[int, int]:
    """(the demo APT activity's id, the demo audit report's id)."""
    from sqlalchemy import select

    from demo.pulse import APT_TITLE
    from extensions import db
    from models import Activity, AuditReport

    with live_server.app.app_context():
        activity_id = db.session.scalar(select(Activity.id).where(Activity.title == APT_TITLE))
        report_id = db.session.scalar(select(AuditReport.id).order_by(AuditReport.id))
        db.session.remove()
    return activity_id, report_id


def _confirmed(page) -> int:
    """Units confirmed, from the coverage page's lead ("N av M enheter har kvitterat.")."""
    return int(page.get_by_text(re.compile(r"\d+ av \d+ enheter har kvitterat")).inner_text().split()[0])


def test_manager_confirms_from_the_mail_link_in_one_click_and_the_coverage_moves(page_as, live_server):
    activity_id, _report = _demo_ids(live_server)
    admin = page_as("admin")
    admin.goto(live_server("/admin/apt"))
    assert admin.locator(f'a[href="/admin/apt/{activity_id}"]').count() == 1
    admin.goto(live_server(f"/admin/apt/{activity_id}"))
    before = _confirmed(admin)
    axe_check(admin, "APT coverage")
    assert admin.locator("progress").count() > 0
    manager = page_as("manager")
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.goto(live_server(f"/apt/{activity_id}"))  # the link in the APT mail and the digest
    assert manager.get_by_label("Presenterat på APT den").input_value()  # prefilled with today
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_check(manager, "APT confirmation at 390 px") == []
    manager.get_by_role("button", name="Presenterat på APT").click()
    assert manager.get_by_text("Tack! Presenterat på APT den").is_visible()
    admin.reload()
    assert _confirmed(admin) == before + 1


def test_the_followup_report_shows_pulse_and_apt_figures_under_recommendation_2(page_as, live_server):
    _activity, report_id = _demo_ids(live_server)
    admin = page_as("admin")
    admin.goto(live_server(f"/admin/uppfoljning/rapporter/{report_id}/uppfoljning"))
    rec2 = admin.locator("section", has=admin.get_by_role("heading", name="Rekommendation 2", exact=True))
    evidence = rec2.locator(".awareness-evidence")
    assert evidence.get_by_role("heading", name="Underlag: kännedomsmätning och APT-kvittens").is_visible()
    assert evidence.get_by_text(re.compile(r"Kännedomsmätningen ”.+” \(stängde .+\): [\d\s]+ svar av [\d\s]+ "
                                           r"tillfrågade, [\d,]+\s% rätt svar i hela regionen\.")).is_visible()
    assert evidence.get_by_text(re.compile(r"APT-materialet ”.+” \(senast .+\): [\d\s]+ av [\d\s]+ enheter")).is_visible()
    assert evidence.locator("table").count() == 2
    rec1 = admin.locator("section", has=admin.get_by_role("heading", name="Rekommendation 1", exact=True))
    assert rec1.locator(".awareness-evidence").count() == 0
    assert axe_check(admin, "follow-up report with evidence") == []


def test_the_start_page_card_lists_what_the_manager_still_has_to_confirm(page_as, live_server):
    manager = page_as("manager")
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.goto(live_server("/"))
    card = manager.locator("section", has=manager.get_by_role("heading", name="APT att bekräfta"))
    assert card.get_by_role("button", name="Presenterat på APT i dag").count() >= 1
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(manager, "start page with the APT card at 390 px")
