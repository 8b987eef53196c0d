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
    where = page.url.split("#")[0]
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


@pytest.mark.parametrize("role, path", [("admin", "/"), ("comms", "/"), ("manager", "/"), ("employee", "/"),
                                        ("manager", "/training/team"), ("admin", "/admin/audit")])
def test_pages_fit_a_phone(browser, console_log, live_server, _login_states, role, path):
    ctx = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844},
                              storage_state=_login_states(role))
    try:
        ctx.on("page", console_log.watch)
        page = ctx.new_page()
        page.goto(live_server(path))
        assert page.get_by_role("heading", level=1).is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{role}: {path} is {width} px wide"  # wide tables scroll in their own box
        axe_check(page, f"{role} {path} at 390 px")
    finally:
        ctx.close()


def _submit(page, name: str):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name, exact=True).click()
    return navigation.value


def test_second_planner_approves_what_the_first_sent_for_review(page_as, live_server):
    from datetime import date

    year = date.today().year + 1
    title = f"Fyra ögon {year}: rensa skrivbordet"
    comms = page_as("comms")
    comms.goto(live_server("/plan/ny"))
    comms.get_by_label("Titel", exact=True).fill(title)
    comms.get_by_label("Text (Markdown)").fill("Hej {förnamn}! Din status: {status}.")
    comms.get_by_label("Kanal").select_option("e-post")
    comms.get_by_label("Planerad tid").fill(f"{year}-10-07T09:00")
    _submit(comms, "Spara")
    _submit(comms, "Skicka för granskning")
    message_url = comms.url
    # The one who sent it for review is told someone else approves it, and has no button for it.
    assert comms.get_by_role("button", name="Godkänn").count() == 0
    assert comms.get_by_text("Någon annan än den som skrev meddelandet").is_visible()
    steps = comms.get_by_role("list", name="Var meddelandet är i arbetsflödet")
    assert "Jonas" in steps.locator("[aria-current=step]").inner_text()
    axe_check(comms, "message in review, seen by its author")

    # The preview as a made-up overdue person, then a test to the planner's own mailbox.
    comms.get_by_label("Visa som").select_option("overdue")
    with comms.expect_navigation():
        comms.get_by_role("button", name="Visa", exact=True).click()
    assert "Hej Alex! Din status: Försenad." in comms.locator("#preview-html").inner_text()
    _submit(comms, "Skicka test till mig")
    assert comms.get_by_role("status").filter(has_text="Ett testmejl till").count() == 1
    axe_check(comms, "message preview after a test send")

    admin = page_as("admin")
    review = admin.locator("section", has=admin.get_by_role("heading", name="Väntar på din granskning"))
    with admin.expect_navigation():
        review.get_by_role("link", name=title).click()
    assert admin.url == message_url
    _submit(admin, "Godkänn")
    assert admin.get_by_text("Meddelandet är godkänt.").is_visible()
    current = admin.get_by_role("list", name="Var meddelandet är i arbetsflödet").locator("[aria-current=step]")
    assert "Godkänd" in current.inner_text() and "Åsa" in current.inner_text()
    axe_check(admin, "message approved by the second planner")
