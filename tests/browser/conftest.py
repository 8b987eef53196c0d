"""Browser fixtures: the app on a live server with the demo region, Debian's Chromium
driven by Playwright, a fresh browser context per test, and log-in helpers.

Browser tests run on SQLite only and keep their own database file (not the `app`
fixture, which empties every table after each test). Playwright's own browser
download is not used: Chromium comes from /usr/bin/chromium through executable_path.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest

from demo.region import DEMO_LOGINS
from tests.conftest import test_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

#: The demo log-ins by role: {"admin": ("admin", password), …} (demo/region.py). The passwords are
#: random per database: `live_server` fills them in after loading the demo.
LOGINS = {login["role"]: (login["username"], "") for login in DEMO_LOGINS}

#: The roles each demo log-in has (everyone is an employee; "chef" has reports).
DEMO_ROLES = {
    "admin": {"admin", "employee"},
    "manager": {"manager", "employee"},
    "comms": {"comms", "employee"},
    "employee": {"employee"},
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives Debian's Chromium through Playwright against a live server"
    )


@dataclass
class LiveServer:
    app: object
    url: str
    ids: dict = field(default_factory=dict)

    def __call__(self, path: str = "/") -> str:
        return urljoin(self.url, path)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the demo region on a free port, real CSRF, plain http."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from app import create_app
    from demo.load import load_demo
    from extensions import db
    from models import Person

    database = tmp_path_factory.mktemp("browser") / "browser.db"
    app = create_app(test_config(
        f"sqlite:///{database}",
        WTF_CSRF_ENABLED=True,
        SESSION_COOKIE_SECURE=False,
        DEMO_MODE=True,
    ))
    with app.app_context():
        upgrade()
        result = load_demo()
        LOGINS.update({row["role"]: (row["username"], row["password"]) for row in result["logins"]})
        ids = {
            p.username: p.id
            for p in db.session.scalars(select(Person).where(Person.username.in_([u for u, _ in LOGINS.values()])))
        }
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="vaksam-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}/", ids=ids)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleLog:
    """Console errors and uncaught page errors seen by every page of a context.

    Chromium also logs "Failed to load resource: … status of 4xx" for the page's own
    document when the app answers 401 (wrong password), 400 (empty form) or 404 on
    purpose; the tests check those statuses themselves, so such a message counts
    only when it is about a sub-resource (a style sheet, an image, the favicon…) or
    the status is 5xx.
    """

    def __init__(self):
        self._console: list[tuple[str, str, str]] = []  # (page url, resource url, text)
        self._page_errors: list[str] = []
        self._documents_4xx: set[str] = set()

    def watch(self, page) -> None:
        page.on("console", lambda msg: self._on_console(page, msg))
        page.on("pageerror", lambda exc: self._page_errors.append(f"{page.url}: page error: {exc}"))
        page.on("response", self._on_response)

    def _on_console(self, page, msg) -> None:
        if msg.type == "error":
            self._console.append((page.url, (msg.location or {}).get("url", ""), msg.text))

    def _on_response(self, response) -> None:
        request = response.request
        if request.is_navigation_request() and request.resource_type == "document" and 400 <= response.status < 500:
            self._documents_4xx.add(response.url)

    @property
    def errors(self) -> list[str]:
        found = list(self._page_errors)
        for page_url, resource, text in self._console:
            if text.startswith("Failed to load resource: the server responded with a status of 4") \
                    and resource in self._documents_4xx:
                continue
            found.append(f"{page_url}: console error: {text} ({resource})")
        return found


@pytest.fixture
def console_log():
    """Console errors of every page the test opens; any at the end fail the test."""
    log = ConsoleLog()
    yield log
    assert not log.errors, "errors in the browser console:\n" + "\n".join(log.errors)


def _new_context(browser, console_log, **options):
    ctx = browser.new_context(locale="sv-SE", **options)
    ctx.set_default_timeout(10_000)
    ctx.on("page", console_log.watch)
    return ctx


@pytest.fixture
def context(browser, console_log):
    """A fresh browser context (own cookies) per test, Swedish by default."""
    ctx = _new_context(browser, console_log)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page whose console errors and page errors fail the test."""
    return context.new_page()


@pytest.fixture(scope="session")
def _login_states(browser, live_server):
    """Each role's cookies after one real log-in through the form, reused by tests
    that are about the pages rather than about logging in (a log-in costs a scrypt hash)."""
    states: dict[str, dict] = {}

    def get(role: str) -> dict:
        if role not in states:
            ctx = browser.new_context(locale="sv-SE")
            try:
                login_as(ctx.new_page(), live_server, role)
                states[role] = ctx.storage_state()
            finally:
                ctx.close()
        return states[role]

    return get


@pytest.fixture
def page_as(browser, console_log, live_server, _login_states):
    """page_as("admin"): a page in a fresh context that is logged in as the role, on the start page."""
    contexts = []

    def make(role: str):
        ctx = _new_context(browser, console_log, storage_state=_login_states(role))
        contexts.append(ctx)
        page = ctx.new_page()
        response = page.goto(live_server("/"))
        assert response.status == 200 and page.url == live_server("/"), f"not logged in as {role}: {page.url}"
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def login(page, live_server, username: str, password: str) -> None:
    """Log in through the real form, like a person would."""
    page.goto(live_server("/login"))
    page.get_by_label("Användarnamn", exact=True).fill(username)
    page.get_by_label("Lösenord", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in", exact=True).click()


def login_as(page, live_server, role: str) -> None:
    username, password = LOGINS[role]
    login(page, live_server, username, password)
    assert page.url == live_server("/"), f"log-in as {role} ended on {page.url}"


_AXE = None


def axe_check(page, label: str = "") -> list[dict]:
    """Run axe-core on the page; fail on serious or critical violations. Returns all violations."""
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    results = _AXE.run(page).response
    violations = results["violations"]
    bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
    for v in violations:
        if v not in bad:  # shown with -rP or on failure, not failing
            print(f"axe ({label or page.url}): {v['id']} ({v['impact']}) on {len(v['nodes'])} node(s)")
    if bad:
        lines = [f"axe found {len(bad)} serious/critical violation(s) on {label or page.url} ({page.url}):"]
        for v in bad:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:10]:
                summary = "; ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:])
                lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
            if len(v["nodes"]) > 10:
                lines.append(f"    … and {len(v['nodes']) - 10} more")
        pytest.fail("\n".join(lines), pytrace=False)
    return violations


def nav_labels(page) -> list[str]:
    nav = page.get_by_role("navigation", name="Huvudmeny")
    return [text.strip() for text in nav.get_by_role("link").all_inner_texts()]


def expected_nav(live_server, role: str) -> list[str]:
    """The Swedish labels NAV gives the role, in order."""
    from main.navigation import NAV

    with live_server.app.test_request_context(headers={"Accept-Language": "sv"}):
        return [str(item.label) for item in NAV if DEMO_ROLES[role].intersection(item.roles)]
