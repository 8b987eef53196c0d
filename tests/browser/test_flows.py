"""Each role's daily flow from the start page, in the browser, with axe-core on every page:
the manager reaches the people not done in one click, reminds them all in one more and
undoes it; an employee reads why they are overdue and adds an activity to their calendar;
the four start pages work on a 390 px phone without the page getting wider than the screen."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


def test_manager_reminds_everyone_not_done_and_undoes_it(page_as, live_server):
    page = page_as("manager")
    axe_check(page, "manager start page")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Säkert Beteende för all personal"))
    assert re.search(r"\d+ av \d+ klara", card.inner_text())
    with page.expect_navigation():
        card.get_by_role("link", name=re.compile(r"^Visa de \d+ som inte är klara$")).click()
    assert "/training/team" in page.url and "state=todo" in page.url
    assert page.get_by_role("table", name="Personer i teamet").is_visible()
    axe_check(page, "team page, people not done")
    where = page.url
    button = page.get_by_role("button", name=re.compile(r"^Påminn alla som inte är klara \(\d+\)"))
    with page.expect_navigation():
        button.click()
    assert page.url == where  # stays where it was
    status = page.get_by_role("status").filter(has_text="Påminnelse")
    assert re.search(r"Påminnelser? till \d+ personer? \(.+\) skickas", status.first.inner_text())
    undo = page.get_by_role("button", name="Ångra")
    assert undo.is_visible()
    axe_check(page, "team page after remind-all")
    with page.expect_navigation():
        undo.click()
    assert page.url == where
    assert re.search(r"\d+ påminnelser? (är|har) ångrade? och skickas inte", page.get_by_role("status").first.inner_text()) \
        or "ångrad" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("button", name="Ångra").count() == 0
    axe_check(page, "team page after undo")


def test_select_all_ticks_every_reminder_box(page_as, live_server):
    page = page_as("manager")
    page.goto(live_server("/training/team"))
    page.get_by_label("Välj alla som inte är klara").check()
    boxes = page.locator("input[name=person]")
    assert boxes.count() > 1 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))


def test_employee_sees_why_overdue_and_adds_an_activity_to_the_calendar(page_as, live_server):
    page = page_as("manager")  # the demo manager is also an employee, overdue on the new version
    mine = page.locator("section", has=page.get_by_role("heading", name="Min utbildning", exact=True))
    sentence = mine.locator(".status-sentence").first.inner_text()
    assert re.search(r"krävs sedan \d+ \w+\.? \d{4}; din genomförda .+ gällde till \d+ \w+\.? \d{4}\.", sentence)
    assert mine.get_by_role("link", name="Gå till kursen i kompetensportalen").is_visible()
    link = page.get_by_role("link", name=re.compile(r"^Lägg till i kalendern")).first
    with page.expect_download() as info:
        link.click()
    body = open(info.value.path(), encoding="utf-8").read()
    assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body


@pytest.mark.parametrize("role", ["admin", "comms", "manager", "employee"])
def test_start_page_fits_a_phone(browser, console_log, live_server, _login_states, role):
    ctx = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844},
                              storage_state=_login_states(role))
    try:
        ctx.on("page", console_log.watch)
        page = ctx.new_page()
        page.goto(live_server("/"))
        assert page.get_by_role("heading", level=1).inner_text().startswith("Hej ")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{role}: the start page is {width} px wide"
        axe_check(page, f"{role} start page at 390 px")
    finally:
        ctx.close()
