"""The pages and files: feeds behind a secret token (404 when revoked, 304 on a repeat), the
activity's .ics, registering from the activity list, and the planners' invitation page."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from extensions import db
from invites import tokens
from models import FeedToken, OutboxMessage, Registration, utcnow
from tests.conftest import PASSWORD
from tests.invites.checks import assert_valid, assert_wire_format, libical, prop_lines, unfold


@pytest.fixture
def future(world, make_activity):
    """Upcoming activities: for everyone (2 seats), for Akut only, a planned one, a cancelled one."""
    now = utcnow()
    soon = (now + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    made = {
        "all": make_activity(soon, soon + timedelta(hours=1), capacity=2, now=now, title="För alla"),
        "akut": make_activity(soon + timedelta(days=1), soon + timedelta(days=1, hours=1), now=now,
                              title="Akutens APT", units=[world["units"]["akut"]]),
        "planned": make_activity(soon, soon + timedelta(hours=2), status="planned", now=now, title="Ännu inte klar"),
        "cancelled": make_activity(soon + timedelta(days=2), soon + timedelta(days=2, hours=1), now=now,
                                   title="Inställd föreläsning", status="cancelled"),
    }
    return made


def feed_token(client, auth, username: str) -> str:
    """Log in, make a feed link on "Mina kalenderflöden", read the token from the page, log out."""
    auth.login(username)
    page = client.post("/kalenderfloden")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = re.search(r"https://vaksam\.region\.example/kalender/([A-Za-z0-9_-]+)/mina\.ics", html).group(1)
    assert f"webcal://vaksam.region.example/kalender/{token}/mina.ics" in html
    auth.logout()
    return token


def summaries(data: bytes) -> dict[str, str]:
    """SUMMARY → STATUS of each event in a feed."""
    text = unfold(data)
    out = {}
    for block in text.split("BEGIN:VEVENT")[1:]:
        lines = block.split("\r\n")
        summary = next(line.split(":", 1)[1] for line in lines if line.startswith("SUMMARY"))
        out[summary] = next(line.split(":", 1)[1] for line in lines if line.startswith("STATUS"))
    return out


def test_feed_needs_a_working_token_and_answers_304_on_a_repeat(app, client, auth, world, future, tmp_path):
    assert client.get("/kalender/" + "A" * 43 + "/mina.ics").status_code == 404
    assert client.get("/kalender/x/mina.ics").status_code == 404
    token = feed_token(client, auth, "anna")
    row = db.session.scalars(select(FeedToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is stored

    first = client.get(f"/kalender/{token}/mina.ics")  # no log-in: calendar servers fetch this
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Referrer-Policy"] == "no-referrer"
    body = first.get_data()
    assert_wire_format(body)
    [result] = libical(body, tmp_path=tmp_path)
    assert assert_valid(result)["method"] == "PUBLISH"
    assert summaries(body) == {"För alla": "CONFIRMED", "Akutens APT": "CONFIRMED",
                               "Inställd: Inställd föreläsning": "CANCELLED"}  # no planned one
    for name in ("NAME", "X-WR-CALNAME", "X-WR-TIMEZONE", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert prop_lines(body, name), name
    assert prop_lines(body, "REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:PT1H"]

    again = client.get(f"/kalender/{token}/mina.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    since = client.get(f"/kalender/{token}/mina.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(f"/kalender/{token}/mina.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200

    auth.login("anna")
    assert client.post("/kalenderfloden/aterkalla").status_code == 302
    assert client.get(f"/kalender/{token}/mina.ics").status_code == 404
    assert client.get(f"/kalender/{token}/mina.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 404


def test_a_new_link_replaces_the_old_one(app, client, auth, world, future):
    old = feed_token(client, auth, "anna")
    new = feed_token(client, auth, "anna")
    assert client.get(f"/kalender/{old}/mina.ics").status_code == 404
    assert client.get(f"/kalender/{new}/mina.ics").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(FeedToken).where(FeedToken.revoked_at.is_(None))) == 1


def test_feed_of_a_leaver_is_gone(app, client, auth, world, future):
    token = feed_token(client, auth, "bo")
    world["bo"].active = False
    db.session.commit()
    assert client.get(f"/kalender/{token}/mina.ics").status_code == 404


def test_personal_and_campaign_feeds_show_the_right_activities(app, client, world, future, tmp_path):
    from invites import registration

    rut_token = tokens.create(world["rut"], utcnow())
    anna_token = tokens.create(world["anna"], utcnow())
    registration.register(future["all"], world["anna"], utcnow())
    db.session.commit()
    rut = client.get(f"/kalender/{rut_token}/mina.ics").get_data()
    assert set(summaries(rut)) == {"För alla", "Inställd: Inställd föreläsning"}  # not Akut's
    campaign_id = future["all"].campaign_id
    whole = client.get(f"/kalender/{rut_token}/kampanj/{campaign_id}.ics")
    assert set(summaries(whole.get_data())) == {"För alla", "Akutens APT", "Inställd: Inställd föreläsning"}
    assert prop_lines(whole.get_data(), "X-WR-CALNAME") == ["X-WR-CALNAME:Säkerhetsmånaden"]
    assert client.get(f"/kalender/{rut_token}/kampanj/999999.ics").status_code == 404
    a, b = libical(rut, whole.get_data(), tmp_path=tmp_path)
    assert_valid(a), assert_valid(b)

    # Anna moves to RS: Akut's activity leaves her feed, the one she registered for stays.
    before = client.get(f"/kalender/{anna_token}/mina.ics")
    world["anna"].unit_id = world["units"]["rs"].id
    db.session.commit()
    after = client.get(f"/kalender/{anna_token}/mina.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert set(summaries(after.get_data())) == {"För alla", "Inställd: Inställd föreläsning"}


def test_a_change_to_an_activity_changes_the_etag(app, client, world, future, update_activity):
    token = tokens.create(world["anna"], utcnow())
    db.session.commit()
    first = client.get(f"/kalender/{token}/mina.ics")
    update_activity(future["akut"], now=utcnow(), place="Sal 4")
    second = client.get(f"/kalender/{token}/mina.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert "LOCATION:Sal 4" in unfold(second.get_data())
    update_activity(future["akut"], now=utcnow(), status="cancelled")
    third = client.get(f"/kalender/{token}/mina.ics").get_data()
    assert summaries(third)["Inställd: Akutens APT"] == "CANCELLED"  # SUMMARY says so too


def test_activity_ics_download(app, client, auth, world, future, tmp_path):
    url = f"/aktiviteter/{future['akut'].id}/kalender.ics"
    assert client.get(url).status_code == 302  # log in first
    auth.login("anna")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="aktivitet-{future["akut"].id}.ics"'
    body = response.get_data()
    assert_wire_format(body)
    [result] = libical(body, tmp_path=tmp_path)
    event = assert_valid(result)["events"][0]
    assert result["method"] == "PUBLISH" and event["uid"] == future["akut"].uid and event["attendees"] == []
    assert event["dtstart_tzid"] == "Europe/Stockholm"
    assert client.get(f"/aktiviteter/{future['planned'].id}/kalender.ics").status_code == 404
    assert client.get("/aktiviteter/999999/kalender.ics").status_code == 404
    auth.logout()
    auth.login("rut")
    assert client.get(url).status_code == 404  # Akut's own activity
    auth.logout()
    auth.login("comms")
    assert client.get(f"/aktiviteter/{future['planned'].id}/kalender.ics").status_code == 200


def test_register_and_unregister_from_the_activity_list(app, client, auth, world, future):
    activity = future["all"]
    auth.login("anna")
    page = client.get("/aktiviteter").get_data(as_text=True)
    assert "Lägg till i kalendern" in page and f"/aktiviteter/{activity.id}/kalender.ics" in page
    assert "2 av 2 platser lediga." in page and f"/aktiviteter/{activity.id}/anmal" in page
    first = client.post(f"/aktiviteter/{activity.id}/anmal")
    second = client.post(f"/aktiviteter/{activity.id}/anmal")  # a double click
    assert first.status_code == second.status_code == 302
    page = client.get("/aktiviteter").get_data(as_text=True)
    assert "Du är anmäld." in page and f"/aktiviteter/{activity.id}/avanmal" in page
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert client.post(f"/aktiviteter/{activity.id}/avanmal").status_code == 302
    keys = list(db.session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)))
    anna = world["anna"].id
    assert keys == [f"invite:{activity.id}:{anna}:seq0:REQUEST", f"invite:{activity.id}:{anna}:seq1:CANCEL"]
    refused = client.post(f"/aktiviteter/{future['akut'].id}/anmal", follow_redirects=True)
    assert "Den här aktiviteten har ingen anmälan." in refused.get_data(as_text=True)


def test_full_activity_offers_the_waiting_list(app, client, auth, world, future):
    from invites import registration

    for name in ("bo", "cia"):
        registration.register(future["all"], world[name], utcnow())
    db.session.commit()
    auth.login("anna")
    assert "Fullbokad" in client.get("/aktiviteter").get_data(as_text=True)
    client.post(f"/aktiviteter/{future['all'].id}/anmal")
    assert "Du står på väntelistan, plats 1." in client.get("/aktiviteter").get_data(as_text=True)


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def csrf_token(client, path: str) -> str:
    g.pop("csrf_token", None)  # see tests/outbox/test_views.py: one app context for the whole test
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', client.get(path).get_data(as_text=True))
    return match.group(1)


def test_posts_need_a_csrf_token(app, client, world, future, csrf_on):
    client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    token = csrf_token(client, "/aktiviteter")
    assert client.post(f"/aktiviteter/{future['all'].id}/anmal").status_code == 400
    refused = client.post("/kalenderfloden")
    assert refused.status_code == 400 and "Formuläret har gått ut" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.scalar(select(func.count()).select_from(FeedToken)) == 0
    assert client.post(f"/aktiviteter/{future['all'].id}/anmal", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_planners_send_invitations_to_the_audience(app, client, auth, world, future):
    url = f"/aktiviteter/{future['akut'].id}/inbjudningar"
    auth.login("anna")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("comms")
    assert "Inbjudna" in client.get(url).get_data(as_text=True)
    done = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "3 inbjudningar ligger i utkorgen; 1 personer saknar e-postadress." in done
    refused = client.post(f"/aktiviteter/{future['all'].id}/inbjudningar", follow_redirects=True)
    assert "deltagarna anmäler sig själva" in refused.get_data(as_text=True)
    campaign_page = client.get(f"/kampanjer/{future['akut'].campaign_id}").get_data(as_text=True)
    assert url in campaign_page


def test_feeds_page_is_in_the_menu(app, client, auth, world):
    auth.login("rut")
    page = client.get("/kalenderfloden").get_data(as_text=True)
    assert "Mina kalenderflöden" in page and "Du har ingen länk." in page
    assert 'href="/kalenderfloden"' in client.get("/").get_data(as_text=True)


def test_a_name_with_a_line_break_is_skipped_and_the_other_invitations_go_out(app, client, auth, world, future):
    """A header injection through a directory name never ends the request in a 500."""
    world["bo"].display_name = "Bo\r\nBcc: spy@evil.example"
    world["cia"].email = "cia@example.se\nBcc: spy@evil.example"
    db.session.commit()
    url = f"/aktiviteter/{future['akut'].id}/inbjudningar"
    auth.login("comms")
    response = client.post(url, follow_redirects=True)
    assert response.status_code == 200
    assert "1 inbjudningar ligger i utkorgen; 3 personer saknar e-postadress." in response.get_data(as_text=True)
    from models import OutboxSkip

    skips = {s.recipient_id: s.reason for s in db.session.scalars(select(OutboxSkip))}
    assert skips == {world["bo"].id: "invalid_header", world["cia"].id: "invalid_address",
                     world["noemail"].id: "no_address"}
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
