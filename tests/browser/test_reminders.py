"""Reminders in the browser: a manager picks people not done in "Mitt team" with the
keyboard and reminds them; an admin previews a reminder text. axe-core on each page."""
from __future__ import annotations

import pytest

from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


def test_manager_reminds_a_person_from_the_team_page(page_as, live_server):
    page = page_as("manager")
    page.goto(live_server("/training/team"))
    checkbox = page.locator("input[name=person]").first
    name = page.locator(f"label[for={checkbox.get_attribute('id')}]").inner_text().removeprefix("Påminn ")
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Påminn valda").click()
    status = page.get_by_role("status").filter(has_text=name)
    assert status.count() == 1 and "Påminnelse" in status.inner_text()
    assert page.get_by_role("columnheader", name="Senast påmind").is_visible()
    axe_check(page, "team page after reminding")


def test_admin_previews_a_reminder_text(page_as, live_server):
    page = page_as("admin")
    page.goto(live_server("/admin/training/reminders/"))
    axe_check(page, "reminder overview")
    with page.expect_navigation():
        page.get_by_role("link", name="Standardtext – Sammanfattning till chef, svenska").click()
    page.get_by_label("Förhandsgranska med (användarnamn eller e-post)").fill("chef")
    with page.expect_navigation():
        page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.get_by_role("region", name="Förhandsgranskning")
    assert preview.is_visible() and preview.locator("li").count() >= 1
    axe_check(page, "reminder text with preview")
