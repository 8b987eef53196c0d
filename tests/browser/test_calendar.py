"""In a real browser: a planner makes a weekly recurring activity and an all-day one, finds every
occurrence in the month calendar, moves one occurrence from the activity page, and opens the
invitations and answers page; an admin opens the unknown calendar replies. axe-core finds no
violation at all on these pages; console errors fail the test (`console_log`)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser

YEAR = date.today().year + 2  # a year no other browser test plans in
CAMPAIGN = f"Kalendertest {YEAR}"
FIKA = f"Säkerhetsfika {YEAR}"
FAIR = f"Säkerhetsmässa {YEAR}"
TUESDAYS = [d for d in (date(YEAR, 10, 1) + timedelta(days=i) for i in range(31)) if d.weekday() == 1]


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def submit(page, name: str):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name, exact=True).click()
    return navigation.value


def no_violations(page, label: str) -> None:
    violations = axe_check(page, label)
    assert violations == [], [(v["id"], v["impact"]) for v in violations]


def calendar_links(page, title: str) -> list[str]:
    """The days (ISO) on which the month calendar shows `title`."""
    cells = page.locator("table.calendar td").filter(has=page.get_by_role("link", name=title, exact=True))
    return [cells.nth(i).locator(".day-number time").get_attribute("datetime") for i in range(cells.count())]


def new_activity(page, title: str, starts: str, ends: str, **choices) -> None:
    page.get_by_role("link", name="Ny aktivitet").click()
    assert heading(page) == "Ny aktivitet"
    page.get_by_label("Titel", exact=True).fill(title)
    page.get_by_label("Börjar", exact=True).fill(starts)
    page.get_by_label("Slutar", exact=True).fill(ends)
    if choices.get("all_day"):
        page.get_by_label("Heldag", exact=True).check()
    if choices.get("weekly_until"):
        page.get_by_label("Upprepas", exact=True).select_option("WEEKLY")
        page.get_by_label("Veckodagar", exact=True).select_option(["TU"])
        page.get_by_label("Sista dag", exact=True).fill(choices["weekly_until"])
    page.get_by_label("Plats", exact=True).fill("Aulan, Regionhuset")
    page.get_by_label("Status", exact=True).select_option("confirmed")
    response = submit(page, "Spara")
    assert response.status == 200 and heading(page) == CAMPAIGN, page.locator(".error-summary").all_inner_texts()


def test_planner_makes_recurring_and_all_day_activities_and_sees_them_and_the_answers(page_as, live_server):
    comms = page_as("comms")
    comms.goto(live_server("/kampanjer/ny"))
    comms.get_by_label("Namn", exact=True).fill(CAMPAIGN)
    comms.get_by_label("Första dag", exact=True).fill(f"{YEAR}-09-01")
    comms.get_by_label("Sista dag", exact=True).fill(f"{YEAR}-10-31")
    comms.get_by_label("Teman (ett per rad)").fill("Säkert Beteende")
    assert submit(comms, "Spara").status == 200 and heading(comms) == CAMPAIGN

    new_activity(comms, FIKA, f"{TUESDAYS[0]}T12:00", f"{TUESDAYS[0]}T12:30", weekly_until=f"{YEAR}-10-31")
    new_activity(comms, FAIR, f"{YEAR}-10-08T08:00", f"{YEAR}-10-09T16:00", all_day=True)
    no_violations(comms, "campaign with the new activities")

    comms.goto(live_server(f"/plan/kalender?month={YEAR}-10"))
    assert calendar_links(comms, FIKA) == [d.isoformat() for d in TUESDAYS]  # every Tuesday of October
    assert calendar_links(comms, FAIR) == [f"{YEAR}-10-08", f"{YEAR}-10-09"]  # both days of the fair
    no_violations(comms, "month calendar with a series and an all-day activity")

    # Move the second Tuesday to the Wednesday from the activity page.
    comms.get_by_role("link", name=FIKA, exact=True).first.click()
    assert heading(comms) == "Ändra aktivitet"
    no_violations(comms, "activity page with the occurrence form")
    comms.get_by_label("Tillfälle", exact=True).select_option(f"{TUESDAYS[1]}T12:00:00")
    comms.get_by_label("Flytta tillfället").check()
    wednesday = TUESDAYS[1] + timedelta(days=1)
    comms.get_by_label("Ny början").fill(f"{wednesday}T14:00")
    comms.get_by_label("Nytt slut").fill(f"{wednesday}T14:30")
    submit(comms, "Ändra tillfället")
    assert comms.get_by_text("Tillfället är flyttat.").is_visible()
    assert "(flyttat)" in comms.get_by_label("Tillfälle", exact=True).inner_text()
    comms.goto(live_server(f"/plan/kalender?month={YEAR}-10"))
    moved = [wednesday if d == TUESDAYS[1] else d for d in TUESDAYS]
    assert calendar_links(comms, FIKA) == [d.isoformat() for d in moved]

    # The invitations and answers page of the series.
    comms.goto(live_server("/kampanjer"))
    comms.get_by_role("link", name=CAMPAIGN).click()
    assert heading(comms) == CAMPAIGN
    comms.get_by_role("link", name=re.compile(rf"^Inbjudningar\s*:\s*{FIKA}$")).click()
    assert heading(comms) == f"Inbjudningar: {FIKA}"
    assert comms.get_by_role("heading", name="Svar").is_visible()
    assert comms.locator("dt", has_text="Inbjudna").count() >= 1
    no_violations(comms, "invitations and answers")


def test_admin_sees_the_unknown_replies_page(page_as, live_server):
    admin = page_as("admin")
    response = admin.goto(live_server("/kalendersvar/okanda"))
    assert response.status == 200 and response.headers["cache-control"] == "no-store"
    no_violations(admin, "unknown calendar replies")
    comms = page_as("comms")
    assert comms.goto(live_server("/kalendersvar/okanda")).status == 403
