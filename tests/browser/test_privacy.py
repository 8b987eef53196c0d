"""The privacy pages in a real browser: axe-clean, usable on a 390 px phone, the extract form's
errors announced, the extract downloaded as a file."""
from __future__ import annotations

import pytest

from tests.browser.conftest import LOGINS, axe_check

pytestmark = pytest.mark.browser


def test_admin_privacy_pages_on_a_phone(page_as, live_server):
    page = page_as("admin")
    page.set_viewport_size({"width": 390, "height": 844})
    for path, title in (("/admin/gallring", "Gallring"), ("/admin/dataskydd", "Registerförteckning: Vaksam"),
                        ("/admin/registerutdrag", "Registerutdrag")):
        response = page.goto(live_server(path))
        assert response.status == 200, path
        assert page.get_by_role("heading", level=1).inner_text().strip() == title
        # nothing but the scrolling table regions is wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        axe_check(page, f"{path} at 390 px")

    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Ta fram utdrag").click()
    assert navigation.value.status == 400
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_label("Användarnamn", exact=True).get_attribute("aria-invalid") == "true"
    axe_check(page, "extract form with errors")

    username = LOGINS["admin"][0]
    page.get_by_label("Användarnamn", exact=True).fill(username)
    with page.expect_download() as download:
        page.get_by_role("button", name="Ta fram utdrag").click()
    assert download.value.suggested_filename == f"registerutdrag-{username}.pdf"


def test_employee_sees_what_vaksam_knows(page_as, live_server):
    page = page_as("employee")
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(live_server("/mina-uppgifter"))
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Det här vet Vaksam om dig"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page, "/mina-uppgifter at 390 px")
