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


def test_manager_confirms_an_apt_and_the_coverage_moves(page_as, live_server):
    admin = page_as("admin")
    admin.goto(live_server("/admin/apt"))
    cell = admin.locator("table.data tbody tr").first.locator("td.num")
    before = int(cell.inner_text().split("/")[0])
    manager = page_as("manager")
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.goto(live_server("/apt"))
    axe_check(manager, "/apt at 390 px")
    manager.get_by_role("button", name="Presenterat på APT").first.click()
    assert manager.get_by_text("Tack! Presenterat på APT den").is_visible()
    admin.reload()
    assert int(admin.locator("table.data tbody tr").first.locator("td.num").inner_text().split("/")[0]) == before + 1
    admin.locator("table.data tbody tr").first.get_by_role("link").click()
    axe_check(admin, "APT coverage")
    assert admin.locator("progress").count() > 0
