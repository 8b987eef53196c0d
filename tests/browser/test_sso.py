"""In a real browser: single sign-on through the certified OpenID provider (oidc-provider),
its own login page driven like a person would; then the IdP's back-channel logout ends the
Vaksam session, and Vaksam's log-out offers the IdP's log-out (RP-initiated logout)."""
from __future__ import annotations

import os
import re
import threading
from datetime import datetime, timezone

import pytest

from tests.browser.conftest import ConsoleLog, LiveServer, axe_check
from tests.conftest import test_config
from tests.directory.conftest import Tree, slapd  # noqa: F401  (fixture: the real directory)
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, available, vaksam_client
from tests.services import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sso(slapd, tmp_path_factory):  # noqa: F811
    """Vaksam with OIDC on (no password form) and people from slapd, and the provider, both live."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from app import create_app
    from directory.sync import run_sync
    from extensions import db

    if available():
        pytest.skip(available())
    tree = Tree(slapd)
    tree.add(tree.entry("anna", given="Anna", sn="Ek"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    provider = OidcProvider(clients=[vaksam_client(url)], accounts={"anna": {"preferred_username": "anna"}}).start()
    app = create_app(test_config(
        f"sqlite:///{tmp_path_factory.mktemp('sso') / 'sso.db'}", WTF_CSRF_ENABLED=True, BASE_URL=url,
        OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
        **tree.settings()))
    with app.app_context():
        upgrade()
        assert run_sync(datetime.now(timezone.utc)).ok
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="vaksam-sso-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url + "/"), provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        provider.stop()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def console_log(sso):
    """Console errors of Vaksam's pages fail the test; the provider's development pages load
    web fonts from the internet and have no favicon, which is not ours to fix."""
    log = ConsoleLog()
    yield log
    ours = [e for e in log.errors if not e.startswith(sso[1].issuer)]
    assert not ours, "errors in the browser console:\n" + "\n".join(ours)


def screenshot(page, name: str) -> None:
    """For docs/sso.md: VAKSAM_SCREENSHOT_DIR=docs/img saves the pages people see (nothing secret)."""
    folder = os.environ.get("VAKSAM_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"sso-{name}.png"))


def sign_in_at_provider(page, live, login: str) -> None:
    page.goto(live("/login"))
    page.get_by_role("link", name="Logga in med regionens inloggning").click()
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill("any password")
    with page.expect_navigation(url=re.compile(re.escape(live.url))):
        page.get_by_role("button", name="Sign-in").click()


def test_sign_in_then_back_channel_logout_then_rp_initiated_logout(page, sso):
    live, provider = sso
    page.goto(live("/login"))
    assert page.get_by_role("link", name="Logga in med regionens inloggning").is_visible()
    assert page.get_by_label("Lösenord").count() == 0  # no password form: fallback is off
    axe_check(page, "login page with single sign-on")
    screenshot(page, "login")

    sign_in_at_provider(page, live, "anna")
    assert page.url == live("/")
    assert page.locator(".user-name").inner_text() == "Anna Ek"

    # Logging out at the IdP (as from another application) ends the Vaksam session too.
    page.goto(f"{provider.issuer}/session/end")
    with page.expect_navigation():
        page.locator("button[autofocus], button[type=submit]").first.click()
    assert "backchannel.success anna" in provider.log_text()
    page.goto(live("/"))
    assert page.url.startswith(live("/login"))
    assert page.get_by_text("Du har loggats ut via regionens inloggning").is_visible()
    screenshot(page, "back-channel-logout")

    # Signed in again, logging out of Vaksam offers the IdP's log-out, which comes back here.
    sign_in_at_provider(page, live, "anna")
    assert page.url == live("/")
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    assert page.url == live("/login/utloggad")
    axe_check(page, "signed out, IdP log-out offered")
    screenshot(page, "signed-out")
    page.get_by_role("link", name="Logga ut från regionens inloggning").click()
    page.wait_for_url(re.compile(re.escape(provider.issuer)))
    with page.expect_navigation(url=re.compile(re.escape(live("/login")))):
        page.locator("button[autofocus], button[type=submit]").first.click()
    page.goto(live("/"))
    assert page.url.startswith(live("/login"))


def test_refusal_page_is_clear_and_accessible(page, sso):
    live, _provider = sso
    response = page.goto(live("/login/oidc/callback?code=made-up&state=never-started"))
    assert response.status == 400
    assert page.get_by_role("heading", name="Inloggningen misslyckades").is_visible()
    assert page.get_by_text("Referens för IT-supporten").is_visible()
    axe_check(page, "sign-in refused")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
