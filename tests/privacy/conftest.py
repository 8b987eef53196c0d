"""Privacy fixtures: two years of history around a few people, with every kind of personal
data the retention rules cover, dated so that at NOW some of it is due and some is not."""
from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest

from extensions import db


def utc(y, m, d, hh=9) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=UTC)


#: When the retention run happens (time-machine travels here); default periods apply.
NOW = utc(2025, 7, 1, 3)


@pytest.fixture
def app_config(tmp_path):
    return {"INSTANCE_DIR": str(tmp_path / "instance"), "FOLLOWUP_UPLOAD_DIR": str(tmp_path / "evidence")}


def _outbox(key, created, status="sent", recipient=None, **fields):
    from models import OutboxMessage

    return OutboxMessage(idempotency_key=key, status=status, recipient_email=f"{key}@example.se",
                         recipient_name="Ann Testsson", recipient_id=recipient.id if recipient else None,
                         subject="Påminnelse: Säkert Beteende", body_text="Hej Ann!", body_html="<p>Hej Ann!</p>",
                         raw=b"Subject: x\r\n\r\nHej Ann!", message_id=f"<{key}@vaksam>", created_at=created,
                         next_attempt_at=created, sent_at=created if status == "sent" else None,
                         related_type="reminder_round", **fields)


def _touch(path, when: datetime, data=b"x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))


@pytest.fixture
def history(app, org, tmp_path):
    """Rows due at NOW (ending "_due") and rows that are not (ending "_kept"), by category."""
    from models import (
        Action,
        Activity,
        Attendee,
        AuditEvent,
        AuditReport,
        Campaign,
        Completion,
        Document,
        Evidence,
        Exemption,
        FeedToken,
        ImportBatch,
        LoginAttempt,
        Recommendation,
        Registration,
        Reminder,
    )
    from training import operations as training_ops

    ann, ben, admin = org["ann"], org["ben"], org["admin"]
    h: dict = {"org": org}
    # leavers: ann left long ago (due), ben recently (kept)
    ann.active, ann.deactivated_at = False, utc(2023, 3, 1)
    ben.active, ben.deactivated_at = False, utc(2024, 12, 1)
    sb = training_ops.ensure_course("SB", "Säkert Beteende").obj
    v = training_ops.ensure_version(sb, "Säkert Beteende 2022", date(2022, 9, 1)).obj
    req = training_ops.ensure_requirement(sb, training_ops.RequirementSpec(
        name="Säkert Beteende för alla", due_on=date(2022, 11, 30))).obj
    h["requirement"] = req
    for person in (ann, ben):
        db.session.add(Completion(person_id=person.id, version_id=v.id, state="completed",
                                  completed_at=utc(2022, 10, 1), source="demo"))
        db.session.add(Exemption(person_id=person.id, reason="Föräldraledig", starts_on=date(2022, 1, 1),
                                 ends_on=date(2022, 2, 1), created_by_id=admin.id))
        db.session.add(FeedToken(person_id=person.id, token_hash=f"{person.id:064d}"))
        db.session.add(LoginAttempt(username=person.username, ip="10.0.0.9", success=True, at=utc(2025, 6, 30)))
    db.session.flush()
    db.session.add(Reminder(requirement_id=req.id, person_id=ann.id, kind="employee", outcome="queued",
                            created_at=utc(2022, 11, 1)))
    # mail
    h["mail_due"] = _outbox("old", utc(2025, 1, 10), recipient=ann)
    h["mail_kept"] = _outbox("new", utc(2025, 6, 20), recipient=org["carl"])
    h["mail_queued_kept"] = _outbox("queued", utc(2025, 1, 10), status="queued", recipient=org["carl"])
    # audit
    h["audit_due"] = AuditEvent(at=utc(2023, 1, 1), action="person.view", target_type="person",
                                target_id=str(ann.id), ip="10.1.1.1", actor_id=admin.id)
    h["audit_ip_due"] = AuditEvent(at=utc(2024, 12, 1), action="people.list", ip="10.1.1.2",
                                   detail={"q": "ann", "page": 1}, actor_id=admin.id)
    h["audit_kept"] = AuditEvent(at=utc(2025, 6, 20), action="people.list", ip="10.1.1.3",
                                 detail={"q": "ben", "page": 2}, actor_id=admin.id)
    h["login_due"] = LoginAttempt(username="someone", ip="10.2.2.2", success=False, at=utc(2025, 5, 1))
    h["login_kept"] = LoginAttempt(username="someone", ip="10.2.2.2", success=False, at=utc(2025, 6, 29))
    # LMS import provenance
    h["batch_due"] = ImportBatch(created_at=utc(2024, 5, 1), filename="lms.csv", sha256="a" * 64,
                                 problems=[{"row": 2, "kind": "unmatched", "identifier": "x@example.se"}])
    h["batch_kept"] = ImportBatch(created_at=utc(2025, 5, 1), filename="lms2.csv", sha256="b" * 64,
                                  problems=[{"row": 3, "kind": "unmatched", "identifier": "y@example.se"}])
    # activities: one in 2024 (replies due), one in 2025 (kept)
    campaign = Campaign(title="Säkerhetsmånaden", starts_on=date(2024, 10, 1), ends_on=date(2025, 10, 31),
                        owner_id=org["comms"].id, themes=["Lösenord"])
    db.session.add(campaign)
    db.session.flush()
    acts = {}
    for key, start in (("due", utc(2024, 10, 10)), ("kept", utc(2025, 3, 10))):
        acts[key] = Activity(campaign_id=campaign.id, uid=f"act-{key}@vaksam", title=f"Föreläsning {key}",
                             theme="Lösenord", kind="lecture", starts_at=start, ends_at=start.replace(hour=11),
                             organiser_id=org["comms"].id, capacity=10)
    db.session.add_all(acts.values())
    db.session.flush()
    for key, act in acts.items():
        h[f"registration_{key}"] = Registration(activity_id=act.id, person_id=org["carl"].id, status="registered")
        h[f"attendee_{key}"] = Attendee(activity_id=act.id, person_id=org["carl"].id, source="registration")
    # follow-up evidence: a closed action of 2019 (file due), an open one (kept), an unlinked old file (due)
    report = AuditReport(title="Granskning 2019", auditor="Revisorerna")
    rec = Recommendation(report=report, number=1, text="Utbilda personalen.")
    closed = Action(recommendation=rec, title="Utbildning", status="done", due_on=date(2019, 5, 1))
    open_ = Action(recommendation=rec, title="Uppföljning", status="in_progress", due_on=date(2019, 5, 1))
    db.session.add_all([report, rec, closed, open_])
    evidence_dir = tmp_path / "evidence"
    for key, action in (("due", closed), ("kept", open_), ("orphan_due", None)):
        doc = Document(original_name=f"{key}.pdf", stored_name=f"{key}.pdf", file_type="pdf", size_bytes=1,
                       sha256="c" * 64, uploaded_by_id=admin.id, uploaded_at=utc(2019, 6, 1))
        _touch(evidence_dir / f"{key}.pdf", utc(2019, 6, 1))
        h[f"document_{key}"] = doc
        db.session.add(doc)
        if action is not None:
            db.session.add(Evidence(action=action, kind="document", document=doc, label=key))
    for key in [k for k in h if k.endswith(("_due", "_kept"))]:
        db.session.add(h[key])
    db.session.commit()
    h["id"] = {key: h[key].id for key in h if key.endswith(("_due", "_kept"))}
    previews = tmp_path / "instance" / "training-uploads"
    _touch(previews / "old.bin", utc(2025, 6, 1))
    _touch(previews / "new.bin", utc(2025, 6, 30, 12))
    h["preview_due"], h["preview_kept"] = previews / "old.bin", previews / "new.bin"
    h["evidence_dir"] = evidence_dir
    return h
