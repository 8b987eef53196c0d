"""axe-core in a real browser on every page the browser tests reach: no serious or
critical violations, in Swedish and in English, for every role. The console must
stay free of errors on all of them (the `console_log` fixture checks that).

Each kind of page is checked once per variant that changes its markup (role, menu,
filters, sorting, errors, language) to keep the run short.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import LOGINS, axe_check, expected_nav, login, nav_labels

pytestmark = pytest.mark.browser

ENGLISH_CATALOG = Path(__file__).resolve().parents[2] / "translations" / "en" / "LC_MESSAGES" / "messages.mo"


def visit(page, live_server, path: str, status: int = 200) -> None:
    response = page.goto(live_server(path))
    assert response.status == status, f"{path}: HTTP {response.status}"
    axe_check(page, path)


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def test_anonymous_pages(page, live_server):
    visit(page, live_server, "/login")
    visit(page, live_server, "/tillganglighet")
    assert heading(page) == "Tillgänglighetsredogörelse för Vaksam"
    visit(page, live_server, "/finns-inte", status=404)
    assert heading(page).startswith("Sidan hittades inte")

    # The log-in page with the wrong-password message…
    login(page, live_server, LOGINS["employee"][0], "not-the-password")
    assert page.get_by_role("alert").filter(has_text="Fel användarnamn eller lösenord.").is_visible()
    axe_check(page, "login with wrong password")

    # …and with field errors (error summary, aria-invalid, aria-describedby).
    page.goto(live_server("/login"))
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Logga in", exact=True).click()
    assert navigation.value.status == 400
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_label("Lösenord", exact=True).get_attribute("aria-invalid") == "true"
    axe_check(page, "login with field errors")


@pytest.mark.parametrize("role", list(LOGINS))
def test_start_page_and_menu_pages_of_each_role(page_as, live_server, role):
    page = page_as(role)
    axe_check(page, f"start page as {role}")
    expected = expected_nav(live_server, role)
    assert nav_labels(page) == expected

    nav = page.get_by_role("navigation", name="Huvudmeny")
    for label in expected[1:]:  # [0] is the start page
        with page.expect_navigation() as navigation:
            nav.get_by_role("link", name=label, exact=True).click()
        assert navigation.value.status == 200, label
        axe_check(page, f"{label} as {role}")

    if len(expected) == 1:
        # Without a menu, the start page offers the person's own page.
        page.goto(live_server("/"))
        with page.expect_navigation() as navigation:
            page.get_by_role("link", name="Mina uppgifter", exact=True).click()
        assert navigation.value.status == 200
        assert page.url == live_server(f"/people/{live_server.ids[LOGINS[role][0]]}")
        axe_check(page, f"own person page as {role}")
    if role == "comms":
        visit(page, live_server, "/admin/people", status=403)
        assert heading(page).startswith("Åtkomst nekad")


def test_manager_team_with_filters_sorting_and_a_report(page_as, live_server):
    page = page_as("manager")
    visit(page, live_server, "/team?q=a&scope=direct&sort=unit&desc=1")
    assert page.get_by_role("columnheader", name="Enhet").get_attribute("aria-sort") == "descending"
    assert page.get_by_role("radio", name="Direktrapporterande").is_checked()

    # Sorting through a column header link (the default is by name; the unfiltered
    # list itself is checked from the menu in the test above)…
    page.goto(live_server("/team"))
    with page.expect_navigation():
        page.get_by_role("columnheader", name="Befattning").get_by_role("link").click()
    assert page.get_by_role("columnheader", name="Befattning").get_attribute("aria-sort") == "ascending"
    assert page.get_by_role("columnheader", name="Namn").get_attribute("aria-sort") == "none"

    # …and a person in the team.
    with page.expect_navigation() as navigation:
        page.locator("table.data tbody a").first.click()
    assert navigation.value.status == 200 and "/people/" in page.url
    axe_check(page, "a report's person page")


def test_admin_pages_with_filters(page_as, live_server):
    page = page_as("admin")
    chef = live_server.ids["chef"]
    visit(page, live_server, f"/team?manager={chef}&scope=direct&sort=unit&desc=1")
    assert heading(page).startswith("Team: ")
    visit(page, live_server, "/admin/people?q=an&role=manager")
    visit(page, live_server, "/admin/audit?action=person&actor=admin&from=2020-01-01&to=2099-12-31")
    visit(page, live_server, f"/people/{chef}")
    visit(page, live_server, "/people/999999", status=404)


def test_english_version(page, live_server):
    translated = ENGLISH_CATALOG.exists()  # compiled by `make translations`
    page.goto(live_server("/login"))
    with page.expect_navigation():
        page.get_by_role("button", name="In English", exact=True).click()
    assert page.url.startswith(live_server("/login"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="På svenska", exact=True).get_attribute("lang") == "sv"
    labels = ("Username", "Password", "Log in") if translated else ("Användarnamn", "Lösenord", "Logga in")
    if translated:
        assert heading(page) == "Log in"
        assert page.get_by_role("link", name="Skip to content").count() == 1
    axe_check(page, "English login page")

    username, password = LOGINS["admin"]
    page.get_by_label(labels[0], exact=True).fill(username)
    page.get_by_label(labels[1], exact=True).fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name=labels[2], exact=True).click()
    if translated:
        assert page.get_by_role("alert").filter(has_text="Incorrect username or password.").is_visible()

    page.get_by_label(labels[1], exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=labels[2], exact=True).click()
    assert page.url == live_server("/")
    assert page.locator("html").get_attribute("lang") == "en"
    if translated:
        menu = page.get_by_role("navigation", name="Main menu")
        assert menu.get_by_role("link", name="Overview", exact=True).count() == 1
        assert menu.get_by_role("link", name="Users and roles", exact=True).count() == 1
    axe_check(page, "English start page")

    visit(page, live_server, "/admin/people?role=admin")
    assert page.locator("html").get_attribute("lang") == "en"
    visit(page, live_server, "/finns-inte", status=404)
    if translated:
        assert heading(page).startswith("Page not found")
