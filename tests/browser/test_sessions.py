"""Sessions in a real browser: an admin sees a person's sessions on the person's page and ends
them; the person's browser is logged out at its next click. axe checks both admin pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import axe_check, login

pytestmark = pytest.mark.browser
PASSWORD = "browser-session-test-1"


@pytest.fixture
def someone(live_server):
    """A demo person who is none of the cached log-ins, with a password of their own."""
    from auth.operations import hash_password
    from demo.region import DEMO_LOGINS
    from extensions import db
    from models import Person

    with live_server.app.app_context():
        person = db.session.scalar(select(Person).where(
            Person.active.is_(True), Person.username.notin_([x["username"] for x in DEMO_LOGINS]),
            Person.email.is_not(None)).order_by(Person.id).limit(1))
        person.password_hash = hash_password(PASSWORD)
        db.session.commit()
        yield person.id, person.username
        db.session.remove()


def test_admin_ends_a_persons_sessions(browser, context, page_as, live_server, someone):
    person_id, username = someone
    theirs = context.new_page()
    login(theirs, live_server, username, PASSWORD)
    assert theirs.url == live_server("/")

    admin = page_as("admin")
    admin.goto(live_server(f"/people/{person_id}"))
    sessions = admin.get_by_role("region", name="Inloggningar")
    assert sessions.get_by_role("row").count() == 2  # the header and their one session
    axe_check(admin, "person page with sessions")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Avsluta alla inloggningar").click()
    assert admin.get_by_text("Inga pågående inloggningar.").is_visible()

    theirs.goto(live_server("/"))
    assert theirs.url.startswith(live_server("/login"))


def test_accounts_under_attack_page(page_as, live_server):
    admin = page_as("admin")
    response = admin.goto(live_server("/admin/login-attacks"))
    assert response.status == 200
    assert admin.get_by_role("heading", level=1).inner_text() == "Konton under attack"
    axe_check(admin, "accounts under attack")
