"""Reminder rounds end to end: the rounds queue mail in the outbox, the real SMTP test server
receives it. Digests per manager, escalation to the manager's manager, Swedish working
days and office hours, languages, admins' texts, catch-up and no duplicates.

The org (tests/conftest.py): top > boss > lead > (ann, ben); top > otherboss > carl;
admin and comms without a manager. The requirement is due Saturday 30 November 2024.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from extensions import db
from models import OutboxMessage, Reminder, ReminderTemplate
from outbox.sender import send_due
from reminders.rounds import run_round
from tests.training.conftest import local


@pytest.fixture
def app_config(mail_config):
    return mail_config


@pytest.fixture
def team(org, course, complete):
    """Ann has done the course; everyone else has not."""
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    course["course"].duration_minutes = 30
    db.session.commit()
    return org


def deliver(smtp) -> dict[str, list]:
    """Send the outbox to the SMTP server; {recipient address: [captured messages]}."""
    send_due()
    by_to: dict[str, list] = {}
    for m in smtp.messages:
        by_to.setdefault(m.rcpt_tos[0], []).append(m)
    return by_to


def reminders_of(kind: str) -> set[str]:
    from models import Person
    return set(db.session.scalars(select(Person.username).join(Reminder, Reminder.person_id == Person.id)
                                  .where(Reminder.kind == kind)))


def test_first_round_reminds_everyone_not_done_and_sends_one_digest_per_manager(app, team, smtp):
    report = run_round(local(2024, 11, 18, 9, 0))  # round -14: 16 Nov is a Saturday -> Monday 18 Nov
    db.session.commit()
    assert (report.employees, report.digests, report.escalations) == (8, 4, 0)
    assert report.no_manager == 3  # top, admin and comms have nobody to tell
    mail = deliver(smtp)
    assert "ann@example.se" not in mail  # done
    ben = mail["ben@example.se"]
    assert len(ben) == 1
    assert ben[0].subject == "Påminnelse: Säkert Beteende senast 30 november 2024"
    assert "ungefär 30 minuter" in ben[0].text()
    assert "https://kompetensportalen.regionexempel.se/kurser/sakert-beteende" in ben[0].text()
    assert "Lead Testsson" in ben[0].text()  # who to ask
    # Digests: top gets boss and otherboss, boss gets lead, lead gets ben, otherboss gets carl.
    digests = {to: [m for m in ms if "i ditt team" in m.subject] for to, ms in mail.items()}
    assert {to for to, ds in digests.items() if ds} == {"top@example.se", "boss@example.se", "lead@example.se",
                                                          "otherboss@example.se"}
    top_digest = digests["top@example.se"][0]
    assert top_digest.subject == "Säkert Beteende: 2 i ditt team är inte klara"
    assert "Boss Testsson" in top_digest.text() and "Otherboss Testsson" in top_digest.text()
    assert "Lead Testsson" not in top_digest.text()  # not a direct report of top
    assert "https://vaksam.region.example/training/team?requirement=" in top_digest.text()
    assert "<li>Boss Testsson (Akutkliniken)" in top_digest.html()
    assert len(digests["lead@example.se"]) == 1 and "Ben Testsson" in digests["lead@example.se"][0].text()


def test_the_same_round_is_never_sent_twice(app, team, smtp):
    run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    for moment in (local(2024, 11, 18, 10, 10), local(2024, 11, 19, 9, 10), local(2024, 11, 22, 15, 10)):
        report = run_round(moment)
        db.session.commit()
        assert (report.employees, report.digests) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == queued
    deliver(smtp)
    assert sum(1 for m in smtp.messages if m.rcpt_tos == ["ben@example.se"]) == 1


def test_a_missed_round_catches_up_once_within_the_late_days(app, team, smtp):
    assert run_round(local(2024, 11, 21, 9, 0)).employees == 8  # scheduler was down Mon-Wed
    db.session.commit()
    assert run_round(local(2024, 11, 21, 10, 0)).employees == 0
    db.session.commit()


def test_a_round_long_past_is_not_sent(app, team, smtp):
    report = run_round(local(2024, 11, 26, 9, 0))  # -14 closed on the 23rd, the due-date round opens 2 Dec
    assert (report.employees, report.digests) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("moment", [
    local(2024, 11, 18, 7, 59),  # before office hours
    local(2024, 11, 18, 17, 0),  # after
    local(2024, 11, 23, 10, 0),  # Saturday
])
def test_nothing_goes_out_outside_office_hours(app, team, moment):
    report = run_round(moment)
    assert report.skipped and report.employees == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_midsommarafton_waits_for_monday(app, team, course, smtp):
    course["requirement"].due_on = date(2024, 7, 5)  # round -14 falls on 21 June
    db.session.commit()
    assert run_round(local(2024, 6, 21, 10, 0)).skipped  # midsommarafton is not a working day
    report = run_round(local(2024, 6, 24, 10, 0))
    db.session.commit()
    assert report.employees == 9  # Ann too: her completion (October) is still in the future
    offsets = set(db.session.scalars(select(Reminder.round_offset).where(Reminder.kind == "employee")))
    assert offsets == {-14}


def test_julafton_due_date_round_goes_out_after_christmas(app, team, course, smtp):
    course["requirement"].due_on = date(2024, 12, 24)
    db.session.commit()
    assert run_round(local(2024, 12, 24, 10, 0)).skipped
    report = run_round(local(2024, 12, 27, 10, 0))
    db.session.commit()
    assert report.employees == 8
    mail = deliver(smtp)
    assert mail["ben@example.se"][0].subject == "Påminnelse: Säkert Beteende senast 24 december 2024"


def test_escalation_after_n_days_goes_to_the_managers_manager_grouped_by_manager(app, team, smtp):
    assert run_round(local(2024, 12, 13, 10, 0)).escalations == 0  # 13 days overdue
    db.session.commit()
    report = run_round(local(2024, 12, 16, 10, 0))  # 14 days (14 Dec is a Saturday)
    db.session.commit()
    assert report.escalations == 2  # to top (lead via boss, carl via otherboss) and boss (ben via lead)
    assert report.no_manager == 5  # boss, otherboss, top, admin, comms: nobody above their manager
    assert reminders_of("escalated") == {"lead", "carl", "ben"}
    mail = deliver(smtp)
    escalations = {to: [m for m in ms if "dagar sena" in m.subject] for to, ms in mail.items()}
    top = escalations["top@example.se"][0]
    assert top.subject == "Säkert Beteende: 2 medarbetare är mer än 14 dagar sena"
    assert "Hos Boss Testsson" in top.text() and "Hos Otherboss Testsson" in top.text()
    assert top.text().index("Hos Boss Testsson") < top.text().index("Lead Testsson") < top.text().index("Hos Otherboss")
    assert "Carl Testsson" in top.text() and "Ben Testsson" not in top.text()
    assert "Ben Testsson" in escalations["boss@example.se"][0].text()
    assert not escalations.get("lead@example.se")
    # Once per person: the next day nothing is escalated again.
    assert run_round(local(2024, 12, 17, 10, 0)).escalations == 0


def test_escalation_can_be_switched_off(app, team, smtp):
    app.config["REMINDER_ESCALATE_AFTER_DAYS"] = 0
    assert run_round(local(2024, 12, 16, 10, 0)).escalations == 0


def test_people_who_chose_english_get_english(app, team, smtp):
    team["ben"].locale = "en"
    team["lead"].locale = "en"
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    mail = deliver(smtp)
    assert mail["ben@example.se"][0].subject == "Reminder: Säkert Beteende by 30 November 2024"
    assert "about 30 minutes" in mail["ben@example.se"][0].text()
    subjects = {m.subject for m in mail["lead@example.se"]}
    assert "Säkert Beteende: 1 in your team have not finished" in subjects
    assert "Reminder: Säkert Beteende by 30 November 2024" in subjects


def test_an_admins_text_is_used_with_names_escaped(app, team, smtp):
    team["ben"].given_name = "<b>Ben</b>"
    db.session.add(ReminderTemplate(kind="employee", locale="sv", subject="Hej {förnamn}: {kurs}",
                                    body="Hej {förnamn}, gå [kursen]({kurslänk}) senast {sista_datum}."))
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    mail = deliver(smtp)
    ben = mail["ben@example.se"][0]
    assert ben.subject == "Hej <b>Ben</b>: Säkert Beteende"
    assert "&lt;b&gt;Ben&lt;/b&gt;" in ben.html() and "<b>Ben</b>" not in ben.html()
    assert "senast 30 november 2024" in ben.text()


def test_people_without_an_address_are_reported_listed_for_their_manager_and_not_retried(app, team, smtp):
    team["carl"].email = None
    db.session.commit()
    dry = run_round(local(2024, 11, 18, 9, 0), dry_run=True)
    assert (dry.employees, dry.no_address) == (7, ["Carl Testsson"])
    report = run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    assert (report.employees, report.digests, report.no_address) == (7, 4, ["Carl Testsson"])
    assert run_round(local(2024, 11, 18, 10, 0)).no_address == []
    assert db.session.scalar(select(Reminder.outcome).where(Reminder.person_id == team["carl"].id)) == "no_address"
    [digest] = [m for m in deliver(smtp)["otherboss@example.se"] if "i ditt team" in m.subject]
    assert "Carl Testsson (Hälso- och sjukvårdsförvaltningen) – inte påbörjad – sista datum 30 november 2024 – " \
           "saknar e-postadress" in digest.text()


def test_a_deactivated_manager_is_skipped_for_digests_and_escalations(app, team, smtp):
    team["lead"].active = False  # left; ben still reports to lead in the directory
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    mail = deliver(smtp)
    assert "lead@example.se" not in mail
    boss_digest = [m for m in mail["boss@example.se"] if "i ditt team" in m.subject][0]
    assert "Ben Testsson" in boss_digest.text()
    smtp.clear()
    assert run_round(local(2024, 12, 16, 10, 0)).escalations == 1  # all to top: ben via boss, carl via otherboss
    escalation = [m for m in deliver(smtp)["top@example.se"] if "dagar sena" in m.subject][0]
    assert "Hos Boss Testsson" in escalation.text() and "Ben Testsson" in escalation.text()
    assert "Carl Testsson" in escalation.text()


def test_a_new_starter_has_rounds_of_their_own(app, team, make_person, smtp):
    from directory.tree import rebuild_closure

    newbie = make_person("nova", manager=team["lead"], start_date=date(2024, 12, 2))  # due 1 January 2025
    rebuild_closure(db.session)
    db.session.commit()
    report = run_round(local(2024, 12, 18, 10, 0))  # 14 days before 1 January
    db.session.commit()
    assert report.employees == 1 and report.digests == 1
    mail = deliver(smtp)
    assert mail["nova@example.se"][0].subject == "Påminnelse: Säkert Beteende senast 1 januari 2025"
    assert "Nova Testsson" in mail["lead@example.se"][0].text() and "Ben" not in mail["lead@example.se"][0].text()
    assert newbie.id in {r.person_id for r in db.session.scalars(select(Reminder))}


def test_a_link_placeholder_inside_a_markdown_link(app, team, smtp):
    db.session.add(ReminderTemplate(kind="employee", locale="sv", subject="{kurs}",
                                    body="Gå [kursen här]({kurslänk}) senast {sista_datum}."))
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    ben = deliver(smtp)["ben@example.se"][0]
    url = "https://kompetensportalen.regionexempel.se/kurser/sakert-beteende"
    assert f'<a href="{url}" rel="noopener noreferrer">kursen här</a>' in ben.html()
    assert f"kursen här ({url})" in ben.text()


def test_english_digest_and_escalation(app, team, smtp):
    team["top"].locale = "en"
    db.session.commit()
    run_round(local(2024, 12, 16, 10, 0))
    [escalation] = [m for m in deliver(smtp)["top@example.se"]]
    assert escalation.subject == "Säkert Beteende: 2 staff are more than 14 days overdue"
    assert "Reporting to Boss Testsson" in escalation.text()
    assert "Lead Testsson (Akutkliniken) – overdue – due 30 November 2024" in escalation.text()


def test_dry_run_counts_without_queueing(app, team, smtp):
    report = run_round(local(2024, 11, 18, 9, 0), dry_run=True)
    assert (report.employees, report.digests) == (8, 4)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_the_cli_runs_a_round(app, runner, team, smtp, time_machine):
    import json

    time_machine.move_to(local(2024, 11, 18, 9, 0))
    result = runner.invoke(args=["training", "remind", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["employees"], data["digests"], data["skipped"]) == (8, 4, None)
    again = runner.invoke(args=["training", "remind"])
    assert "Queued: 0 reminders, 0 digests, 0 escalations." in again.output


def test_the_cli_refuses_an_unreadable_setting(app, runner, team, time_machine):
    time_machine.move_to(local(2024, 11, 18, 9, 0))
    app.config["REMINDER_ROUNDS"] = "-14;0"
    result = runner.invoke(args=["training", "remind"])
    assert result.exit_code == 1 and "REMINDER_ROUNDS must be whole numbers" in result.output


def test_the_scheduled_job_is_registered_hourly(app):
    from jobs.registry import get_job

    job = get_job("training.reminders", app)
    assert job.trigger == "cron" and job.trigger_args == {"minute": 10}


def test_an_overlapping_run_neither_doubles_nor_lists_again(app, team, course, smtp):
    from outbox.operations import enqueue

    # Another run (the CLI while the scheduler ran) queued ben's reminder a moment ago.
    enqueue(f"reminder:{course['requirement'].id}:{team['ben'].id}:2024-11-30:-14", to=team["ben"], subject="s",
            text="t")
    db.session.commit()
    report = run_round(local(2024, 11, 18, 9, 0))
    assert report.employees == 7
    mail = deliver(smtp)
    assert len(mail["ben@example.se"]) == 1
    assert not any("i ditt team" in m.subject for m in mail["lead@example.se"])  # nothing new for lead
    assert db.session.scalar(select(Reminder.outcome).where(Reminder.person_id == team["ben"].id)) == "duplicate"
    assert run_round(local(2024, 11, 18, 10, 0)).employees == 0


def test_a_big_round_commits_in_chunks(app, team, smtp, monkeypatch):
    from reminders import rounds as reminders

    monkeypatch.setattr(reminders, "CHUNK", 2)
    run_round(local(2024, 11, 18, 9, 0))
    db.session.rollback()  # nothing is left uncommitted
    assert db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.kind == "employee")) == 8
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 12


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", " JAVASCRIPT:x"])
def test_a_course_link_stored_as_javascript_never_becomes_a_link(app, team, smtp, bad):
    """Stored before the forms checked it (or written to the database by hand)."""
    db.session.add(ReminderTemplate(kind="employee", locale="sv", subject="{kurs}",
                                    body="Gå [kursen här]({kurslänk}) eller {kurslänk} senast {sista_datum}."))
    from models import Course
    for course in db.session.scalars(select(Course)):
        course.url = bad
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    ben = deliver(smtp)["ben@example.se"][0]
    html, text = ben.html().lower(), ben.text().lower()
    assert "javascript" not in html and "data:" not in html
    assert "javascript" not in text and "data:" not in text
    assert "kursen här" in html


def test_a_header_injection_in_a_name_is_skipped_counted_and_the_round_goes_on(app, team, smtp):
    from models import OutboxSkip

    team["carl"].display_name = "Carl\r\nBcc: spy@evil.example"
    team["ben"].email = "ben@example.se\r\nBcc: spy@evil.example"
    db.session.commit()
    report = run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    assert report.employees == 6 and report.digests == 4
    assert report.unmailable == {"invalid_header": 1, "invalid_address": 1}
    assert report.as_dict()["unmailable"] == {"invalid_header": 1, "invalid_address": 1}
    assert "2 without a usable address" in str(report)
    skips = {s.recipient_id: s.reason for s in db.session.scalars(select(OutboxSkip))}
    assert skips == {team["carl"].id: "invalid_header", team["ben"].id: "invalid_address"}
    delivered = deliver(smtp)
    assert not [a for a in delivered if "spy" in a]
    assert sum(len(v) for v in delivered.values()) == report.employees + report.digests  # the others went out


def test_done_with_the_old_version_gets_rounds_counted_back_from_the_transition(app, org, course, complete, smtp):
    complete(org["ann"], course["v2023"], local(2024, 1, 10))  # counts until the transition on 30 Nov
    complete(org["ben"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))  # round -14 before the transition date
    db.session.commit()
    reminded = reminders_of("employee")
    assert "ann" in reminded and "ben" not in reminded
    ann = db.session.scalar(select(Reminder).where(Reminder.kind == "employee", Reminder.person_id == org["ann"].id))
    assert ann.due_on == date(2024, 11, 30) and ann.round_offset == -14


def test_done_with_the_old_version_is_told_until_when_it_counts_in_their_language(app, org, course, complete, smtp,
                                                                                 time_machine):
    """The renewal wording for people whose 2023 completion counts until 30 Nov; the "not done"
    wording for people who have not started; each in the recipient's language."""
    complete(org["ann"], course["v2023"], local(2024, 1, 10))
    complete(org["carl"], course["v2023"], local(2024, 2, 10))
    org["carl"].locale = org["lead"].locale = "en"
    db.session.commit()
    time_machine.move_to(local(2024, 11, 18, 9, 0), tick=False)
    run_round(local(2024, 11, 18, 9, 0))  # round -14 before the transition date
    db.session.commit()
    mail = deliver(smtp)
    ann, carl = mail["ann@example.se"][0], mail["carl@example.se"][0]
    assert ann.subject == "Ny version av Säkert Beteende: gå den senast 30 november 2024"
    assert "Din genomförda version av utbildningen, Säkert Beteende 2023, gäller till 30 november 2024" in ann.text()
    assert "Säkert Beteende 2024" in ann.text() and "inte klar för dig" not in ann.text()
    assert carl.subject == "New version of Säkert Beteende: take it by 30 November 2024"
    assert "Säkert Beteende 2023, is valid until 30 November 2024" in carl.text()
    assert "you have not finished" not in carl.text()
    ben = mail["ben@example.se"][0]  # not started: the usual reminder
    lead = next(m for m in mail["lead@example.se"] if m.subject.startswith("Reminder"))
    assert ben.subject == "Påminnelse: Säkert Beteende senast 30 november 2024" and "inte klar för dig" in ben.text()
    assert lead.subject == "Reminder: Säkert Beteende by 30 November 2024" and "not finished it" in lead.text()
    assert "Ny version" not in ben.text() + ben.subject
    # Lead's digest names Ann as done with an older version, not as "not started".
    digest = next(m for m in mail["lead@example.se"] if "in your team" in m.subject)
    assert "Ann Testsson (" in digest.text() and "done with an older version" in digest.text()
    assert {r.kind for r in db.session.scalars(select(Reminder).where(Reminder.person_id == org["ann"].id))} == {
        "employee"}


def test_admins_can_edit_the_renewal_text_and_it_is_used(app, org, course, complete, smtp):
    complete(org["ann"], course["v2023"], local(2024, 1, 10))
    db.session.add(ReminderTemplate(kind="renewal", locale="sv", subject="{version} gäller till {gäller_till}",
                                    body="Gå {ny_version}: {kurslänk}"))
    db.session.commit()
    run_round(local(2024, 11, 18, 9, 0))
    db.session.commit()
    ann = deliver(smtp)["ann@example.se"][0]
    assert ann.subject == "Säkert Beteende 2023 gäller till 30 november 2024" and "Gå Säkert Beteende 2024" in ann.text()
