"""Retention over two years of history: time moves forward to NOW, `retention run` removes or
pseudonymises what is due, row by row, and leaves everything else as it was."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from extensions import db
from tests.privacy.conftest import NOW


def run_cli(runner, *args):
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["retention", "run", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def fresh(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def test_dry_run_counts_what_is_due_and_changes_nothing(runner, history):
    out = run_cli(runner, "--dry-run")
    assert out["ok"] is True and out["dry_run"] is True
    c = out["categories"]
    assert {k: v["due"] for k, v in c.items()} == {
        "mail_content": 1, "audit_addresses": 1, "audit_events": 1, "login_attempts": 1, "lms_uploads": 1,
        "lms_problem_rows": 1, "sessions": 0, "leavers": 1, "activity_replies": 2, "evidence_files": 2}
    assert all(v["done"] == 0 for v in c.values())
    assert fresh(history["mail_due"]).raw != b""
    assert fresh(history["org"]["ann"]).pseudonymised_at is None
    assert history["preview_due"].exists()


def test_due_data_is_gone_and_the_rest_untouched(runner, history):
    from models import (
        Attendee,
        AuditEvent,
        Exemption,
        FeedToken,
        LoginAttempt,
        PersonAncestor,
        Registration,
        RoleGrant,
    )

    out = run_cli(runner)
    assert out["ok"] is True and out["dry_run"] is False
    assert all(v["due"] == v["done"] for v in out["categories"].values())

    mail = fresh(history["mail_due"])
    assert (mail.body_text, mail.body_html, mail.raw) == ("", None, b"")
    assert (mail.recipient_id, mail.status, mail.related_type) == (history["org"]["ann"].id, "sent", "reminder_round")
    for key in ("mail_kept", "mail_queued_kept"):
        assert fresh(history[key]).raw == b"Subject: x\r\n\r\nHej Ann!"

    assert db.session.get(AuditEvent, history["id"]["audit_due"]) is None
    ip_due = fresh(history["audit_ip_due"])
    assert ip_due.ip is None and ip_due.detail == {"page": 1} and ip_due.action == "people.list"
    kept = fresh(history["audit_kept"])
    assert kept.ip == "10.1.1.3" and kept.detail == {"q": "ben", "page": 2}

    assert db.session.get(LoginAttempt, history["id"]["login_due"]) is None
    assert db.session.get(LoginAttempt, history["login_kept"].id) is not None

    assert not history["preview_due"].exists() and history["preview_kept"].exists()
    assert fresh(history["batch_due"]).problems is None
    assert fresh(history["batch_due"]).sha256 == "a" * 64
    assert fresh(history["batch_kept"]).problems[0]["identifier"] == "y@example.se"

    assert db.session.get(Registration, history["id"]["registration_due"]) is None
    assert db.session.get(Attendee, history["id"]["attendee_due"]) is None
    assert db.session.get(Registration, history["registration_kept"].id) is not None
    assert db.session.get(Attendee, history["id"]["attendee_kept"]) is not None

    evidence = history["evidence_dir"]
    assert not (evidence / "due.pdf").exists() and not (evidence / "orphan_due.pdf").exists()
    assert (evidence / "kept.pdf").exists()
    assert fresh(history["document_due"]).file_removed_at == NOW
    assert fresh(history["document_due"]).sha256 == "c" * 64
    assert fresh(history["document_kept"]).file_removed_at is None

    ann, ben = fresh(history["org"]["ann"]), fresh(history["org"]["ben"])
    assert ann.username == f"gallrad-{ann.id}" and ann.display_name == f"Gallrad person {ann.id}"
    assert (ann.email, ann.employee_number, ann.given_name, ann.family_name, ann.title, ann.manager_id,
            ann.external_id, ann.password_hash) == (None, None, "", "", None, None, None, None)
    assert ann.pseudonymised_at == NOW and ann.unit_id == history["org"]["boss"].unit_id
    assert ben.username == "ben" and ben.email == "ben@example.se" and ben.manager_id is not None
    assert db.session.scalars(select(FeedToken.person_id)).all() == [ben.id]
    assert db.session.scalars(select(LoginAttempt.username).where(LoginAttempt.username.in_(["ann", "ben"]))).all() \
        == ["ben"]
    reasons = dict(db.session.execute(select(Exemption.person_id, Exemption.reason)).all())
    assert reasons == {ann.id: "", ben.id: "Föräldraledig"}
    assert not db.session.scalars(select(PersonAncestor).where(
        (PersonAncestor.descendant_id == ann.id) | (PersonAncestor.ancestor_id == ann.id))).all()
    assert db.session.scalars(select(PersonAncestor).where(PersonAncestor.descendant_id == ben.id)).all()
    assert not db.session.scalars(select(RoleGrant).where(RoleGrant.person_id == ann.id)).all()
    assert mail.recipient_email == "" and mail.recipient_name == ""


def test_a_second_run_finds_nothing_due(runner, history):
    run_cli(runner)
    again = run_cli(runner)
    assert {k: v["due"] for k, v in again["categories"].items() if v["due"]} == {}


def test_small_batches_give_the_same_result(runner, history):
    out = run_cli(runner, "--batch-size", "1")
    assert out["categories"]["leavers"] == {"due": 1, "done": 1}
    assert out["categories"]["audit_addresses"] == {"due": 1, "done": 1}
    assert fresh(history["mail_due"]).raw == b""


def test_nothing_is_due_a_day_before_the_mail_period_ends(runner, history):
    from privacy import operations

    moment = history["mail_due"].created_at + timedelta(days=90) - timedelta(hours=1)
    assert operations.run(moment, dry_run=True)["categories"]["mail_content"]["due"] == 0
    assert operations.run(moment + timedelta(hours=2), dry_run=True)["categories"]["mail_content"]["due"] == 1


@pytest.mark.parametrize("setting", ["RETENTION_MAIL_DAYS", "RETENTION_LEAVER_YEARS", "RETENTION_AUDIT_IP_DAYS"])
def test_a_period_of_zero_is_refused(migrated, setting):
    from app import create_app
    from tests.conftest import test_config

    with pytest.raises(RuntimeError, match=setting):
        create_app(test_config(migrated, **{setting: 0}))


def test_the_nightly_job_applies_the_rules(app, history):
    from jobs.registry import get_job

    job = get_job("privacy.retention", app)
    assert (job.trigger, job.trigger_args) == ("cron", {"hour": 3, "minute": 50})
    with time_machine.travel(NOW, tick=False):
        summary = job.func(NOW)
    assert summary.startswith("11 items removed or pseudonymised")
    assert fresh(history["org"]["ann"]).pseudonymised_at == NOW


def test_a_bad_run_time_is_refused(migrated):
    from app import create_app
    from tests.conftest import test_config

    with pytest.raises(RuntimeError, match="RETENTION_TIME"):
        create_app(test_config(migrated, RETENTION_TIME="25:00"))
