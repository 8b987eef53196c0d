""""Påminn valda" on the team page, "Påminn nu" on a person's page, and the admins' reminder
texts: edit, preview with a real person, test send, back to the built-in text."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from models import AuditEvent, OutboxMessage, ReminderTemplate, utcnow
from tests.training.conftest import local
from training import freshness


@pytest.fixture
def data(org, course, complete, time_machine):
    time_machine.move_to(local(2024, 12, 3, 10, 0), tick=False)  # a Tuesday, within office hours
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    freshness.run_pending(utcnow())  # the scheduler's job: pages only read the cache
    return org


def remind(client, course, *people, next_url="/training/team"):
    return client.post("/training/remind", data={
        "requirement": course["requirement"].id, "person": [p.id for p in people], "next": next_url})


def outbox_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_email == address)))


def test_team_page_offers_reminders_for_people_not_done(client, auth, data, course):
    auth.login("boss")
    body = client.get("/training/team?state=all").get_data(as_text=True)
    assert f'name="person" value="{data["ben"].id}"' in body
    assert f'name="person" value="{data["ann"].id}"' not in body  # done: nothing to remind
    assert "Påminn valda" in body and 'action="/training/remind"' in body


def test_manager_reminds_selected_people_once_per_day(client, auth, data, course):
    auth.login("boss")
    response = remind(client, course, data["ben"], data["ann"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/training/team")
    page = client.get("/training/team").get_data(as_text=True)
    assert "Påminnelse skickas till Ben Testsson." in page
    assert "Ann Testsson är redan klara eller undantagna." in page
    assert "Senast påmind" in page and "3 dec. 2024 10:00" in page
    [message] = outbox_to("ben@example.se")
    assert message.subject == "Påminnelse: Säkert Beteende senast 30 november 2024"
    assert message.created_by_id == data["boss"].id
    assert outbox_to("ann@example.se") == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.reminder.manual"))
    assert event.actor_id == data["boss"].id and event.detail["people"] == sorted([data["ben"].id, data["ann"].id])
    # The same day again: refused by the per-person limit, nothing more queued.
    remind(client, course, data["ben"])
    assert "Ben Testsson har redan påmints i dag." in client.get("/training/team").get_data(as_text=True)
    assert len(outbox_to("ben@example.se")) == 1


def test_the_daily_limit_is_a_setting(app, client, auth, data, course, time_machine):
    app.config["REMINDER_MANUAL_PER_DAY"] = 2
    auth.login("boss")
    for _ in range(3):
        remind(client, course, data["ben"])
    assert len(outbox_to("ben@example.se")) == 2
    time_machine.move_to(local(2024, 12, 4, 9, 0), tick=False)
    remind(client, course, data["ben"])
    assert len(outbox_to("ben@example.se")) == 3


def test_outside_office_hours_the_reminder_waits_for_the_next_working_morning(client, auth, data, course,
                                                                             time_machine):
    time_machine.move_to(local(2024, 12, 6, 18, 30), tick=False)  # Friday evening
    auth.login("boss")
    remind(client, course, data["ben"])
    [message] = outbox_to("ben@example.se")
    assert message.next_attempt_at == local(2024, 12, 9, 8, 0)  # Monday 08:00
    assert "nästa arbetsdag" in client.get("/training/team").get_data(as_text=True)


def test_nobody_outside_the_team_can_be_reminded(client, auth, data, course):
    auth.login("lead")
    assert remind(client, course, data["ben"], data["carl"]).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_employees_cannot_remind(client, auth, data, course):
    auth.login("ann")
    assert remind(client, course, data["ben"]).status_code == 403


def test_bad_requests_get_clear_answers(client, auth, data, course):
    auth.login("boss")
    response = client.post("/training/remind", data={"requirement": course["requirement"].id, "next": "/training/team"})
    assert response.status_code == 302
    assert "Välj minst en person att påminna." in client.get("/training/team").get_data(as_text=True)
    assert client.post("/training/remind", data={"requirement": "999", "person": data["ben"].id}).status_code == 404
    assert client.post("/training/remind", data={"requirement": course["requirement"].id,
                                                 "person": "99999"}).status_code == 403  # unknown = not yours
    response = remind(client, course, data["ben"], next_url="https://evil.example/")
    assert response.headers["Location"].endswith("/training/team")  # never off-site


def test_person_page_has_remind_now(client, auth, data, course):
    auth.login("lead")
    page = client.get(f"/training/people/{data['ben'].id}").get_data(as_text=True)
    assert "Påminn nu" in page
    remind(client, course, data["ben"], next_url=f"/training/people/{data['ben'].id}")
    page = client.get(f"/training/people/{data['ben'].id}").get_data(as_text=True)
    assert "Senast påmind: 3 dec. 2024 10:00" in page
    assert "Påminn nu" not in client.get(f"/training/people/{data['ann'].id}").get_data(as_text=True)
    auth.logout()
    auth.login("ben")
    assert "Påminn nu" not in client.get(f"/training/people/{data['ben'].id}").get_data(as_text=True)


def test_reminder_overview_shows_the_rounds(client, auth, data):
    auth.login("admin")
    page = client.get("/admin/training/reminders/").get_data(as_text=True)
    assert "14 dagar före, på dagen, 7 dagar efter" in page
    assert "kl. 08:00–17:00" in page and "Standardtext" in page


def test_admin_saves_previews_test_sends_and_resets_a_text(client, auth, data, course):
    auth.login("admin")
    url = "/admin/training/reminders/employee/sv"
    assert "Påminnelse: {kurs} senast {sista_datum}" in client.get(url).get_data(as_text=True)
    form = {"subject": "Dags för {kurs}, {förnamn}", "body": "Hej {förnamn}!\n\nSista datum {sista_datum}."}
    response = client.post(url, data={**form, "action": "preview", "person": "ben"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dags för Säkert Beteende, Ben" in page
    assert "Sista datum 30 november 2024." in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.reminder.preview"))
    assert event.target_id == str(data["ben"].id)
    assert db.session.scalar(select(ReminderTemplate)) is None  # a preview saves nothing

    client.post(url, data={**form, "action": "test"})
    [test] = outbox_to("admin@example.se")
    assert test.subject == "[Test] Dags för Säkert Beteende, Admin"

    assert client.post(url, data={**form, "action": "save"}).status_code == 302
    saved = db.session.scalar(select(ReminderTemplate))
    assert (saved.kind, saved.locale, saved.subject) == ("employee", "sv", "Dags för {kurs}, {förnamn}")
    assert "Egen text" in client.get("/admin/training/reminders/").get_data(as_text=True)

    client.post(url, data={"action": "reset"})
    assert db.session.scalar(select(ReminderTemplate)) is None


def test_unknown_placeholders_and_bad_input_are_refused(client, auth, data):
    auth.login("admin")
    url = "/admin/training/reminders/digest/en"
    response = client.post(url, data={"subject": "Hi {förnamn}", "body": "See {kurslänk}", "action": "save"})
    assert response.status_code == 400
    assert "Okända platshållare: {kurslänk}" in response.get_data(as_text=True)
    response = client.post(url, data={"subject": "", "body": "x", "action": "save"})
    assert response.status_code == 400 and "Skriv en ämnesrad." in response.get_data(as_text=True)
    response = client.post(url, data={"subject": "Hi", "body": "Today: {lista} and more", "action": "save"})
    assert response.status_code == 400 and "ska stå ensam på en egen rad" in response.get_data(as_text=True)
    response = client.post(url, data={"subject": "Hi", "body": "x", "action": "preview", "person": "nobody"})
    assert response.status_code == 400 and "Ingen person med det användarnamnet" in response.get_data(as_text=True)
    assert client.get("/admin/training/reminders/other/sv").status_code == 404
    assert db.session.scalar(select(ReminderTemplate)) is None


def test_digest_preview_lists_the_managers_real_people(client, auth, data):
    auth.login("admin")
    response = client.post("/admin/training/reminders/digest/sv", data={
        "subject": "{antal} kvar", "body": "Hej {förnamn}\n\n{lista}\n\n{teamlänk}", "action": "preview",
        "person": "lead"})
    page = response.get_data(as_text=True)
    assert "1 kvar" in page  # ben (ann is done)
    assert re.search(r"<li>Ben Testsson \(Akutkliniken\) – försenad – sista datum 30 november 2024</li>", page)


def test_course_duration_is_saved_and_shown(client, auth, data, course):
    auth.login("admin")
    client.post("/admin/training/courses", data={"code": "SB", "name": "Säkert Beteende", "url": "",
                                                 "duration_minutes": "25"})
    db.session.refresh(course["course"])
    assert course["course"].duration_minutes == 25
    response = client.post("/admin/training/courses", data={"code": "SB", "name": "Säkert Beteende",
                                                            "duration_minutes": "-3"})
    assert response.status_code == 400 and "mellan 1 och 1440" in response.get_data(as_text=True)


def test_remind_now_names_the_nearest_active_manager(client, auth, data, course):
    data["lead"].active = False  # lead has left; ben still reports to lead in the directory
    db.session.commit()
    auth.login("boss")
    remind(client, course, data["ben"])
    [message] = outbox_to("ben@example.se")
    assert "prata med din chef (Boss Testsson)" in message.body_text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://lms.example/kurs"])
def test_course_link_accepts_only_https_http_and_mailto(client, auth, data, course, url):
    auth.login("admin")
    response = client.post("/admin/training/courses", data={"code": "SB", "name": "Säkert Beteende", "url": url})
    assert response.status_code == 400 and "https://, http:// eller mailto:" in response.get_data(as_text=True)
    db.session.refresh(course["course"])
    assert course["course"].url != url
    ok = client.post("/admin/training/courses", data={"code": "SB", "name": "Säkert Beteende",
                                                      "url": "https://lms.example/sb"})
    assert ok.status_code == 302


def test_course_link_is_checked_by_the_cli_too(runner, data, course):
    bad = runner.invoke(args=["training", "course", "add", "SB", "--name", "Säkert Beteende", "--url", "javascript:x"])
    assert bad.exit_code != 0 and "https://, http:// or mailto:" in bad.output
    db.session.refresh(course["course"])
    assert course["course"].url != "javascript:x"


def test_remind_selected_skips_a_name_with_a_line_break_and_reminds_the_others(client, auth, data, course):
    """"Påminn valda" with a header injection in one directory name: no 500, the others are reminded."""
    from models import OutboxSkip

    data["ben"].display_name = "Ben\r\nBcc: spy@evil.example"
    db.session.commit()
    auth.login("boss")
    response = remind(client, course, data["ben"], data["lead"])
    assert response.status_code == 302
    page = client.get("/training/team").get_data(as_text=True)
    assert "saknar en giltig e-postadress" in page
    assert outbox_to("ben@example.se") == []
    skip = db.session.scalars(select(OutboxSkip)).one()
    assert skip.reason == "invalid_header" and skip.recipient_id == data["ben"].id
    assert len(outbox_to("lead@example.se")) == 1  # the other one is reminded
    assert "Påminnelse skickas till Lead Testsson." in page


@pytest.mark.parametrize(("locale", "subject", "line"), [
    ("sv", "Ny version av Säkert Beteende: gå den senast 30 november 2024",
     "Säkert Beteende 2023</strong>, gäller till <strong>30 november 2024"),
    ("en", "New version of Säkert Beteende: take it by 30 November 2024",
     "Säkert Beteende 2023</strong>, is valid until <strong>30 November 2024"),
])
def test_admin_edits_and_previews_the_renewal_text(client, auth, org, course, complete, time_machine,
                                                    locale, subject, line):
    time_machine.move_to(local(2024, 11, 18, 10, 0), tick=False)  # before the transition on 30 November
    complete(org["ann"], course["v2023"], local(2024, 1, 10))
    org["ann"].locale = locale  # the values (dates) follow the person's language, as in the real mail
    db.session.commit()
    auth.login("admin")
    overview = client.get("/admin/training/reminders/").get_data(as_text=True)
    assert f'href="/admin/training/reminders/renewal/{locale}"' in overview
    assert "Påminnelse om ny kursversion" in overview
    url = f"/admin/training/reminders/renewal/{locale}"
    page = client.get(url).get_data(as_text=True)
    assert "{gäller_till}" in page and "{ny_version}" in page
    response = client.post(url, data={"subject": "{gäller_till}", "body": "{version} → {ny_version}",
                                      "action": "preview", "person": "ann"})
    shown = response.get_data(as_text=True)
    assert response.status_code == 200 and "Säkert Beteende 2023 → Säkert Beteende 2024" in shown
    from reminders.defaults import DEFAULTS
    default_subject, default_body = DEFAULTS[("renewal", locale)]
    response = client.post(url, data={"subject": default_subject, "body": default_body, "action": "preview",
                                      "person": "ann"})
    shown = response.get_data(as_text=True)
    assert subject in shown and line in shown
    assert client.post(url, data={"subject": "{status}", "body": "x", "action": "save"}).status_code == 400
    assert client.post(url, data={"subject": "{version}", "body": "x", "action": "save"}).status_code == 302
    saved = db.session.scalar(select(ReminderTemplate))
    assert (saved.kind, saved.locale) == ("renewal", locale)
