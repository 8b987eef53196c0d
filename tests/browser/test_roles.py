"""In a real browser: each role logs in through the form, sees its navigation, visits
every item in it and logs out; a wrong password; the keyboard-only flow; the
security headers the browser receives."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LOGINS, expected_nav, login, login_as, nav_labels

pytestmark = pytest.mark.browser

#: What the issue asks each role's main menu to show, in this order. The menu may
#: grow (main/navigation.py NAV is the truth), so the tests compare with NAV and
#: check that these are in it.
REQUIRED_NAV = {
    "admin": ["Översikt", "Utbildning i regionen", "Användare och roller", "Granskningslogg", "Schemalagda jobb"],
    "manager": ["Översikt", "Mitt team"],
    "comms": ["Översikt"],
    "employee": ["Översikt"],
}
ADMIN_ONLY = ["Användare och roller", "Granskningslogg", "Schemalagda jobb"]

#: The page heading some menu items lead to ("Översikt" greets the user by name).
HEADINGS = {
    "Översikt": re.compile(r"^Hej .+!$"),
    "Mitt team": re.compile(r"^Mitt team$"),
    "Användare och roller": re.compile(r"^Användare och roller$"),
    "Granskningslogg": re.compile(r"^Granskningslogg$"),
    "Schemalagda jobb": re.compile(r"^Schemalagda jobb$"),
}


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    items = iter(whole)
    return all(any(x == y for y in items) for x in part)


@pytest.mark.parametrize("role", list(LOGINS))
def test_nav_registry_gives_each_role_what_the_issue_asks(live_server, role):
    nav = expected_nav(live_server, role)
    assert is_subsequence(REQUIRED_NAV[role], nav), nav
    if role != "admin":
        assert not set(ADMIN_ONLY).intersection(nav), nav
    if role in ("comms", "employee"):
        assert "Mitt team" not in nav


@pytest.mark.parametrize("role", list(LOGINS))
def test_role_logs_in_sees_navigation_and_logs_out(page, live_server, role):
    expected = expected_nav(live_server, role)
    login_as(page, live_server, role)
    username = LOGINS[role][0]
    assert nav_labels(page) == expected
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hej ")

    nav = page.get_by_role("navigation", name="Huvudmeny")
    for label in expected:
        with page.expect_navigation() as navigation:
            nav.get_by_role("link", name=label, exact=True).click()
        assert navigation.value.status == 200, f"{label}: HTTP {navigation.value.status}"
        heading = page.get_by_role("heading", level=1).inner_text().strip()
        assert HEADINGS.get(label, re.compile(".")).match(heading), f"{label}: {heading!r}"
        current = nav.get_by_role("link", name=label, exact=True)
        assert current.get_attribute("aria-current") == "page", label
        # The other roles' pages are not offered to this one.
        assert nav_labels(page) == expected

    # Pages outside the role's menu are refused, not just hidden.
    if "Användare och roller" not in expected:
        response = page.goto(live_server("/admin/people"))
        assert response.status == 403
        assert page.get_by_role("heading", level=1).inner_text().startswith("Åtkomst nekad")
    if "Mitt team" not in expected and "Utbildning i regionen" not in expected:  # admins may open any team
        assert page.goto(live_server("/team")).status == 403
        page.goto(live_server("/"))

    # The user's name is shown next to the log-out button.
    assert page.locator(".user-name").inner_text().strip()

    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut", exact=True).click()
    assert page.url == live_server("/login")
    assert page.get_by_role("heading", level=1).inner_text() == "Logga in"
    assert page.get_by_role("status").filter(has_text="Du är utloggad.").is_visible()
    assert page.get_by_role("navigation", name="Huvudmeny").count() == 0
    assert page.get_by_role("button", name="Logga ut").count() == 0

    # The session is really gone: protected pages send the browser back to log in.
    for path in ("/", "/team", "/admin/people"):
        page.goto(live_server(path))
        assert page.url.startswith(live_server("/login")), f"{path} as logged-out {username} → {page.url}"
        assert page.get_by_role("heading", level=1).inner_text() == "Logga in"


def test_wrong_password_shows_swedish_error(page, live_server):
    username, _ = LOGINS["employee"]
    login(page, live_server, username, "not-the-password")
    assert page.url == live_server("/login")
    alert = page.get_by_role("alert").filter(has_text="Fel användarnamn eller lösenord.")
    assert alert.is_visible()
    assert page.get_by_role("navigation", name="Huvudmeny").count() == 0
    # The user name is kept, the password is not.
    assert page.get_by_label("Användarnamn", exact=True).input_value() == username
    assert page.get_by_label("Lösenord", exact=True).input_value() == ""
    # Still not logged in.
    page.goto(live_server("/"))
    assert page.url.startswith(live_server("/login"))


def test_empty_form_shows_field_errors(page, live_server):
    page.goto(live_server("/login"))
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Logga in", exact=True).click()
    assert navigation.value.status == 400
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "Fyll i ditt användarnamn." in summary.inner_text()
    assert "Fyll i ditt lösenord." in summary.inner_text()
    username = page.get_by_label("Användarnamn", exact=True)
    assert username.get_attribute("aria-invalid") == "true"
    assert username.get_attribute("aria-describedby") == "username-error"
    # The summary's links lead to the fields.
    summary.get_by_role("link", name=re.compile("^Lösenord")).click()
    assert page.evaluate("document.activeElement.id") == "password"


def test_keyboard_only_login(page, live_server):
    """Tab reaches the skip link first; the whole log-in works with the keyboard alone."""
    page.goto(live_server("/login"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert skip.evaluate("el => el === document.activeElement"), \
        "first Tab did not focus the skip link: " + page.evaluate("document.activeElement.outerHTML")
    # The skip link comes into view when focused, with a visible focus outline.
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    username, password = LOGINS["manager"]
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server("/")
    assert nav_labels(page) == expected_nav(live_server, "manager")

    # Log out with the keyboard too: Tab to the button and press Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Logga ut":
            break
    else:
        pytest.fail("Tab never reached the log-out button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server("/login")


def test_security_headers_and_csrf_in_the_browser(page, live_server):
    response = page.goto(live_server("/login"))
    assert response.status == 200
    headers = response.all_headers()
    csp = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-frame-options") == "DENY"
    # Real CSRF protection is on for the browser: a form with a forged token is refused.
    token = page.locator("form[action='/login'] input[name=csrf_token]")
    assert token.input_value()
    token.evaluate("el => { el.value = 'forged'; }")
    username, password = LOGINS["employee"]
    page.get_by_label("Användarnamn", exact=True).fill(username)
    page.get_by_label("Lösenord", exact=True).fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Logga in", exact=True).click()
    assert navigation.value.status == 400
    assert "Formuläret har gått ut" in page.locator("main").inner_text()
    page.goto(live_server("/"))
    assert page.url.startswith(live_server("/login"))


def test_content_security_policy_is_enforced(browser, live_server):
    """An injected inline script does not run. (Own context: the refusal is a console error by design.)"""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_server("/login"))
        outcome = page.evaluate(
            """() => new Promise(resolve => {
                document.addEventListener('securitypolicyviolation',
                    e => resolve(window.__ran ? 'ran' : e.violatedDirective), {once: true});
                const s = document.createElement('script');
                s.textContent = 'window.__ran = true';
                document.body.appendChild(s);
                setTimeout(() => resolve(window.__ran ? 'ran' : 'no violation event'), 3000);
            })"""
        )
        assert outcome.startswith("script-src"), outcome
    finally:
        context.close()
