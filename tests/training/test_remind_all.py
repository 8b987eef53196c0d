""""Påminn alla som inte är klara" with its "Ångra", the drill-down through managers on
"Mitt team", days overdue, the export of exactly what is on screen, and name search."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from directory.tree import rebuild_closure
from extensions import db
from models import AuditEvent, OutboxMessage, Reminder
from outbox.sender import send_due
from tests.training.conftest import local
from training import freshness, refresh


@pytest.fixture
def data(org, course, complete, time_machine):
    time_machine.move_to(local(2024, 12, 3, 10, 0), tick=False)  # a Tuesday, within office hours
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    freshness.run_pending(local(2024, 12, 3, 10, 0))  # the scheduler's job: pages only read the cache
    return org


def recompute() -> None:
    """People were added behind the sync's back: what a sync's signal and the next scheduler run do."""
    refresh.mark_dirty()
    db.session.commit()
    freshness.run_pending(local(2024, 12, 3, 10, 0))


def remind_all(client, course, manager=None, next_url="/"):
    form = {"requirement": course["requirement"].id, "next": next_url}
    if manager is not None:
        form["manager"] = manager.id
    return client.post("/training/remind-all", data=form)


def queued() -> dict[str, str]:
    return {m.recipient_email: m.status for m in db.session.scalars(select(OutboxMessage))}


def undo_form(page: str) -> dict:
    box = re.search(r'<div class="flash flash-info undo-box".*?</div>', page, re.S).group(0)
    return dict(re.findall(r'name="(requirement|at|next)"[^>]*value="([^"]*)"', box))


def test_start_page_card_shows_progress_and_reminds_everyone_not_done(client, auth, data, course):
    auth.login("boss")
    page = client.get("/").get_data(as_text=True)
    # Below boss: lead, ann (done), ben → 1 of 3 done, 2 to remind.
    assert "1 av 3 klara" in page and "33,3\u00a0%" in page
    assert "Påminn alla som inte är klara (2)" in page
    assert "/training/team?requirement=" in page and "state=todo" in page
    response = remind_all(client, course, next_url="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert queued() == {"lead@example.se": "queued", "ben@example.se": "queued"}
    page = client.get("/").get_data(as_text=True)
    assert "Påminnelser till 2 personer (Ben Testsson, Lead Testsson) skickas 3 dec. 2024 10:00." in page
    assert "2 påminnelser väntar i utkorgen." in page and ">Ångra</button>" in page


def test_undo_takes_the_reminders_back_while_they_wait(client, auth, data, course):
    auth.login("boss")
    remind_all(client, course, next_url="/training/team")
    page = client.get("/training/team").get_data(as_text=True)
    form = undo_form(page)
    assert set(form) == {"requirement", "at", "next"}
    response = client.post("/training/remind-all/undo", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/training/team"
    assert queued() == {"lead@example.se": "cancelled", "ben@example.se": "cancelled"}
    page = client.get("/training/team").get_data(as_text=True)
    assert "2 påminnelser är ångrade och skickas inte." in page and "Ångra</button>" not in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.reminder.undo")) is not None
    # Taken back, so they do not count against today's limit: reminding again works.
    remind_all(client, course)
    statuses = sorted(m.status for m in db.session.scalars(select(OutboxMessage)))
    assert statuses == ["cancelled", "cancelled", "queued", "queued"]


def test_undo_after_the_mail_left_is_too_late(app, client, auth, data, course, mail_config):
    app.config.update(mail_config)
    auth.login("boss")
    remind_all(client, course)
    form = undo_form(client.get("/").get_data(as_text=True))
    send_due(local(2024, 12, 3, 10, 0))
    db.session.expire_all()
    client.post("/training/remind-all/undo", data=form)
    assert set(queued().values()) == {"sent"}
    assert {r.outcome for r in db.session.scalars(select(Reminder))} == {"queued"}


def test_a_manager_cannot_remind_another_managers_team(client, auth, data, course):
    auth.login("lead")
    assert remind_all(client, course, manager=data["otherboss"]).status_code == 403
    assert queued() == {}


def test_remind_all_refuses_more_than_the_limit(app, client, auth, data, course):
    app.config["REMIND_ALL_MAX"] = 1
    auth.login("boss")
    remind_all(client, course)
    assert queued() == {}
    assert "högst 1 kan påminnas med ett klick" in client.get("/").get_data(as_text=True)


def test_drill_down_through_managers_with_a_trail_back(client, auth, data, course):
    auth.login("top")
    page = client.get("/training/team").get_data(as_text=True)
    assert "Chefer under Top Testsson" in page
    assert f'href="/training/team?manager={data["boss"].id}&amp;requirement={course["requirement"].id}"' in page
    page = client.get(f"/training/team?manager={data['lead'].id}").get_data(as_text=True)
    trail = re.search(r'<ol class="trail">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r">([^<>]+)</(?:a|span)>", trail) == ["Mitt team", "Boss Testsson", "Lead Testsson"]
    # The summary is lead's team: ann (done) and ben.
    assert "1 av 2 klara" in page


def test_team_list_shows_days_overdue(client, auth, data, course):
    auth.login("lead")
    page = client.get("/training/team").get_data(as_text=True)
    assert "Dagar sen" in page
    row = re.search(r"Ben Testsson</a></td>.*?</tr>", page, re.S).group(0)
    assert '<td class="num">3</td>' in row  # due 30 Nov, today 3 Dec


def test_summary_follows_the_chosen_unit(client, auth, data, course, make_unit, make_person):
    other = make_unit("HSF/Akut/Rad", "Röntgen", parent=data["ann"].unit)
    make_person("rita", manager=data["lead"], unit=other)
    rebuild_closure(db.session)
    db.session.commit()
    recompute()
    auth.login("lead")
    page = client.get(f"/training/team?unit={other.id}").get_data(as_text=True)
    assert "Enhet: Röntgen" in page and "0 av 1 klara" in page


def test_export_has_exactly_the_people_on_screen_and_says_which_filters(client, auth, data, course):
    auth.login("boss")
    body = client.get("/training/team/export.csv?state=todo&q=ben").get_data(as_text=True)
    lines = body.lstrip("\ufeff").splitlines()
    assert "Filter: Inte klara" in lines[0] and "ben" in lines[0]
    names = [line.split(";")[0] for line in lines[4:]]
    assert names == ["Ben Testsson"]


@pytest.mark.parametrize("query", ["åsa", "Åsa", "ÖBERG", "sa Öb"])
def test_name_search_folds_swedish_letters(client, auth, data, course, make_person, query):
    make_person("asao", manager=data["lead"], unit=data["ann"].unit, given_name="Åsa", family_name="Öberg",
                display_name="Åsa Öberg")
    rebuild_closure(db.session)
    db.session.commit()
    recompute()
    auth.login("lead")
    page = client.get("/training/team", query_string={"state": "all", "q": query}).get_data(as_text=True)
    assert "Åsa Öberg" in page and "Ben Testsson" not in page


def test_percent_and_underscore_are_literal_in_name_search(client, auth, data, course):
    auth.login("lead")
    for query in ("%", "_"):
        page = client.get("/training/team", query_string={"state": "all", "q": query}).get_data(as_text=True)
        assert "0 personer i urvalet." in page
