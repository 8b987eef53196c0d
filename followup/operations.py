"""Writes of the audit follow-up: reports, recommendations, actions, comments, evidence and
documents. Every change of a tracked field goes through `history.apply`, so the history
shows who changed what when, and the report can be rebuilt as of any earlier date.
Callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import select

from extensions import db
from followup import history, uploads
from followup.errors import FollowupError
from models import (
    Action,
    Activity,
    AuditReport,
    Comment,
    Document,
    Evidence,
    Person,
    PlanMessage,
    Recommendation,
    Requirement,
)
from models.followup import ACTION_STATUSES, EVIDENCE_KINDS


def _actor(actor: Person | None) -> int | None:
    return actor.id if actor is not None else None


@dataclass
class ReportData:
    title: str
    auditor: str = ""
    issued_on: date | None = None
    answer_due_on: date | None = None
    summary: str = ""


def save_report(data: ReportData, report: AuditReport | None = None) -> AuditReport:
    title = (data.title or "").strip()
    if not title:
        raise FollowupError("title_required", "title")
    clash = db.session.scalar(select(AuditReport).where(AuditReport.title == title))
    if clash is not None and clash is not report:
        raise FollowupError("duplicate_title", "title")
    report = report or AuditReport()
    report.title, report.auditor, report.summary = title, data.auditor.strip(), data.summary
    report.issued_on, report.answer_due_on = data.issued_on, data.answer_due_on
    db.session.add(report)
    db.session.flush()
    return report


def save_recommendation(report: AuditReport, number: int, text: str, remarks: str, actor: Person | None,
                        now: datetime, recommendation: Recommendation | None = None) -> Recommendation:
    """Create or change a recommendation; changes of its text and remarks go to the history."""
    if not (text or "").strip():
        raise FollowupError("text_required", "text")
    values: dict[str, Any] = {"number": number, "text": text.strip(), "remarks": (remarks or "").strip()}
    if recommendation is None:
        recommendation = Recommendation(report=report, created_at=now, **values)
        db.session.add(recommendation)
        db.session.flush()
        history.log("recommendation", recommendation.id, "created", "", values["text"][:200],
                    actor_id=_actor(actor), at=now)
        return recommendation
    history.apply(recommendation, "recommendation", values, actor_id=_actor(actor), at=now)
    return recommendation


@dataclass
class ActionData:
    title: str
    description: str = ""
    owner_id: int | None = None
    due_on: date | None = None
    status: str = "planned"
    postponed_reason: str = ""


def _checked(data: ActionData) -> dict:
    title = (data.title or "").strip()
    if not title:
        raise FollowupError("title_required", "title")
    if data.status not in ACTION_STATUSES:
        raise FollowupError("bad_status", "status")
    reason = (data.postponed_reason or "").strip()
    if data.status == "postponed" and not reason:
        raise FollowupError("reason_required", "postponed_reason")
    if data.owner_id is not None:
        owner = db.session.get(Person, data.owner_id)
        if owner is None or not owner.active:
            raise FollowupError("bad_owner", "owner_id")
    return {"title": title, "description": (data.description or "").strip(), "owner_id": data.owner_id,
            "due_on": data.due_on, "status": data.status,
            # a reason belongs to the postponement; moving on clears it (the history keeps it)
            "postponed_reason": reason if data.status == "postponed" else ""}


def create_action(recommendation: Recommendation, data: ActionData, actor: Person | None, now: datetime) -> Action:
    values = _checked(data)
    action = Action(recommendation=recommendation, created_at=now, created_by_id=_actor(actor), **values)
    db.session.add(action)
    db.session.flush()
    history.log("action", action.id, "created", "", values["title"], actor_id=_actor(actor), at=now,
                action_id=action.id)
    return action


def update_action(action: Action, data: ActionData, actor: Person | None, now: datetime) -> list[str]:
    """Change an action; returns the fields that changed (each is in the history)."""
    return history.apply(action, "action", _checked(data), actor_id=_actor(actor), at=now, action_id=action.id)


def set_status(action: Action, status: str, reason: str, actor: Person | None, now: datetime) -> list[str]:
    data = ActionData(action.title, action.description, action.owner_id, action.due_on, status, reason)
    return update_action(action, data, actor, now)


def add_comment(action: Action, text: str, actor: Person | None, now: datetime) -> Comment:
    text = (text or "").strip()
    if not text:
        raise FollowupError("text_required", "text")
    comment = Comment(action=action, author_id=_actor(actor), created_at=now, text=text)
    db.session.add(comment)
    history.log("action", action.id, "comment", "", text, actor_id=_actor(actor), at=now, action_id=action.id)
    return comment


def _target_label(kind: str, target_id: int | None, url: str) -> str:
    """Check that the linked thing exists and return a default label for it."""
    if kind == "url":
        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FollowupError("bad_url", "url")
        return url
    model = {"activity": Activity, "message": PlanMessage, "requirement": Requirement, "document": Document}[kind]
    target = db.session.get(model, target_id) if target_id else None
    if target is None:
        raise FollowupError("target_missing", kind)
    return {"activity": lambda t: t.title, "message": lambda t: t.title, "requirement": lambda t: t.name,
            "document": lambda t: t.original_name}[kind](target)


def add_evidence(action: Action, kind: str, target_id: int | None, url: str, label: str, actor: Person | None,
                 now: datetime) -> Evidence:
    """Link evidence to an action: `target_id` of an activity, message, requirement or document, or a URL."""
    if kind not in EVIDENCE_KINDS:
        raise FollowupError("bad_kind", "kind")
    default = _target_label(kind, target_id, (url or "").strip())
    evidence = Evidence(action=action, kind=kind, url=(url or "").strip() if kind == "url" else "",
                        label=(label or "").strip()[:300] or default[:300], created_at=now,
                        created_by_id=_actor(actor), **({f"{kind}_id": target_id} if kind != "url" else {}))
    db.session.add(evidence)
    db.session.flush()
    history.log("action", action.id, "evidence", "", evidence.label, actor_id=_actor(actor), at=now,
                action_id=action.id)
    return evidence


def remove_evidence(evidence: Evidence, actor: Person | None, now: datetime) -> None:
    """Stop counting a piece of evidence; the row stays so earlier reports still show it."""
    if evidence.removed_at is not None:
        return
    evidence.removed_at = now
    history.log("action", evidence.action_id, "evidence", evidence.label, "", actor_id=_actor(actor), at=now,
                action_id=evidence.action_id)


def upload_document(filename: str, stream: BinaryIO, actor: Person | None, now: datetime) -> Document:
    """Check and store an uploaded file; raises FollowupError (nothing stored) when refused."""
    try:
        accepted = uploads.check(filename or "", stream, uploads.max_bytes())
    except uploads.UploadRefused as refused:
        raise FollowupError(refused.code, "file") from None
    stored = uploads.store(accepted)
    try:
        document = Document(original_name=filename[-300:], stored_name=stored, file_type=accepted.file_type,
                            size_bytes=len(accepted.data), sha256=accepted.sha256, uploaded_by_id=_actor(actor),
                            uploaded_at=now)
        db.session.add(document)
        db.session.flush()
    except Exception:
        uploads.discard(stored)
        raise
    return document
