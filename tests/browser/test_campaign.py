"""In a real browser: the planner's main flows. A comms officer writes a message, sends it
for review; an admin approves it (a manager may not); the comms officer schedules it and
finds it on the årshjul and in the month calendar (by keyboard). axe-core checks every
page on the way; console errors fail the test (the `console_log` fixture)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from demo import dates
from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser

YEAR = date.today().year + 1
TITLE = f"Hösthälsning {YEAR}: lås datorn"


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def submit(page, name: str):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name, exact=True).click()
    return navigation.value


def test_planner_creates_reviews_approves_schedules_and_finds_the_message(page_as, live_server):
    comms = page_as("comms")
    comms.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kommunikationsplan").click()
    assert heading(comms) == "Kommunikationsplan"
    axe_check(comms, "plan table")
    comms.get_by_role("link", name="Nytt meddelande").first.click()
    assert heading(comms) == "Nytt meddelande"
    axe_check(comms, "new message form")

    # An empty form: the error summary, nothing saved.
    response = submit(comms, "Spara")
    assert response.status == 400
    assert comms.locator(".error-summary").is_visible()
    assert comms.get_by_label("Titel", exact=True).get_attribute("aria-invalid") == "true"
    axe_check(comms, "new message form with errors")

    comms.get_by_label("Titel", exact=True).fill(TITLE)
    comms.get_by_label("Text (Markdown)").fill("Hej {förnamn}!\n\nLås datorn med **Windows + L**. <script>alert(1)</script>")
    comms.get_by_label("Kanal").select_option("e-post")
    comms.get_by_label("Valda enheter").check()
    units = comms.get_by_label("Enheter (med underliggande enheter)")
    units.select_option(units.locator("option", has_text="Primärvården").first.get_attribute("value"))
    comms.get_by_label("Planerad tid").fill(f"{YEAR}-10-14T09:00")
    response = submit(comms, "Spara")
    assert response.status == 200 and heading(comms) == TITLE
    assert comms.get_by_text("Utkastet är sparat.").is_visible()
    assert re.search(r"Målgruppen just nu: \d+ personer", comms.locator("#recipient-count").inner_text())
    preview = comms.locator("#preview-html")
    assert "Hej Jonas!" in preview.inner_text() and preview.locator("strong").inner_text() == "Windows + L"
    assert preview.locator("script").count() == 0
    axe_check(comms, "message page (draft)")
    submit(comms, "Skicka för granskning")
    assert comms.get_by_text("Meddelandet är skickat för granskning.").is_visible()
    message_url = comms.url

    # A manager cannot open (or approve) it.
    manager = page_as("manager")
    assert manager.goto(message_url).status == 403

    admin = page_as("admin")
    admin.goto(message_url)
    assert admin.locator(".badge").first.inner_text() == "För granskning"
    submit(admin, "Godkänn")
    assert admin.get_by_text("Meddelandet är godkänt.").is_visible()
    axe_check(admin, "message page (approved)")

    comms.goto(message_url)
    submit(comms, "Schemalägg")
    assert comms.locator(".badge").first.inner_text() == "Schemalagd"
    history = comms.get_by_role("table").filter(has_text="Historik").or_(comms.locator("table").last)
    assert history.get_by_text("Åsa Lindqvist").count() >= 1  # the admin's approval is in the history

    # The årshjul: the SVG and, for screen readers, the same item in the table.
    comms.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Årshjul").click()
    comms.get_by_role("link", name="Nästa år").click()
    assert heading(comms) == f"Årshjul {YEAR}"
    wheel = comms.get_by_role("img", name=f"Årshjul {YEAR}")
    assert wheel.is_visible()
    assert comms.locator("svg circle.wheel-dot title", has_text=TITLE).count() == 1
    assert comms.get_by_role("link", name=TITLE).is_visible()
    axe_check(comms, "årshjul")

    # The month calendar, by keyboard: Tab until the message's link has focus, Enter opens it.
    comms.goto(live_server(f"/plan/kalender?month={YEAR}-10"))
    assert comms.get_by_role("table").locator("caption").inner_text() == f"Oktober {YEAR}"
    axe_check(comms, "month calendar")
    link = comms.get_by_role("link", name=TITLE)
    for _ in range(80):
        comms.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the message in the calendar cannot be reached with the Tab key")
    with comms.expect_navigation():
        comms.keyboard.press("Enter")
    assert comms.url == message_url


def test_demo_campaign_pages_and_tasks_pass_axe(page_as, live_server):
    comms = page_as("comms")
    comms.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kampanjer").click()
    axe_check(comms, "campaigns")
    year = dates.demo_year(date.today())  # the demo's dates follow the day it was loaded
    comms.get_by_role("link", name=f"Informationssäkerhetsmånaden oktober {year}").click()
    assert heading(comms) == f"Informationssäkerhetsmånaden oktober {year}"
    axe_check(comms, "demo campaign")
    comms.get_by_role("link", name="Lunchföreläsning: Klassa din information", exact=True).click()
    assert heading(comms) == "Ändra aktivitet"
    axe_check(comms, "activity form")
    comms.goto(live_server(f"/plan/kalender?month={year}-10"))
    assert comms.get_by_role("link", name="Välkommen till informationssäkerhetsmånaden").is_visible()
    axe_check(comms, "calendar october")
    comms.goto(live_server(f"/plan?month={year}-10&status=review"))
    assert comms.get_by_role("link", name="Tema: Din arbetsdator").is_visible()
    axe_check(comms, "filtered plan")
    comms.goto(live_server("/plan/uppgifter"))
    axe_check(comms, "tasks")


def test_employee_sees_activities_but_no_plan(page_as, live_server):
    employee = page_as("employee")
    employee.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Aktiviteter").click()
    assert heading(employee) == "Aktiviteter"
    # Whole-region and Primärvården activities, not the one for Regionservice nor the cancelled one.
    assert employee.get_by_role("cell", name="APT-presentation: Informationsklassning i vården", exact=True).is_visible()
    assert employee.get_by_role("cell", name="Kickoff: Säkert beteende i vardagen", exact=True).is_visible()
    assert employee.get_by_text("Klassning av e-post och filer").count() == 0
    assert employee.get_by_text("Bedrägerier och nätfiske").count() == 0
    axe_check(employee, "employee activities")
    assert employee.goto(live_server("/plan")).status == 403
