"""Writes to the communication plan: create and edit plan messages, move them through the
workflow, mark them published. Every status change is recorded as a PlanTransition.

Each function works in the caller's transaction and flushes; the caller commits. A
write based on an older read of the message fails with PlanError("stale") (the mapper's
version counter), so an edit can never overwrite a send that happened in between.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import signals
from campaign import audience as audience_mod
from campaign import workflow
from campaign.errors import PlanError
from extensions import db
from models import Person, PlanMessage, PlanTask, PlanTransition, Unit


@dataclass
class MessageData:
    """What a planner enters for a plan message."""

    title: str
    body: str
    channel: str
    audience: str
    planned_at: datetime
    owner_id: int
    unit_ids: list[int] = field(default_factory=list)
    campaign_id: int | None = None


def email_channel() -> str:
    return current_app.config["PLAN_EMAIL_CHANNEL"]


def is_email(message: PlanMessage) -> bool:
    return message.channel == email_channel()


def is_planner(person: Person | None) -> bool:
    return person is not None and person.has_role("comms", "admin")


def check_data(data: MessageData, now: datetime) -> None:
    """Rules that hold however the data arrived (form, CLI, demo): raise PlanError."""
    if data.planned_at <= now:
        raise PlanError("in_past", "planned_at")
    if data.audience == "units" and not data.unit_ids:
        raise PlanError("no_units", "unit_ids")
    if data.audience == "not_done" and not audience_mod.training_available():
        raise PlanError("training_unavailable", "audience")


def load_units(unit_ids: list[int]) -> list[Unit]:
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))) if unit_ids else []
    if len(units) != len(set(unit_ids)):
        raise PlanError("unknown_unit", "unit_ids")
    return units


def record(message: PlanMessage, from_status: str, to_status: str, actor: Person | None, now: datetime,
           comment: str = "") -> PlanTransition:
    transition = PlanTransition(at=now, actor_id=actor.id if actor else None, from_status=from_status,
                                to_status=to_status, comment=comment or "")
    message.transitions.append(transition)
    return transition


def find_by_token(token: str | None) -> PlanMessage | None:
    if not token:
        return None
    return db.session.scalar(select(PlanMessage).where(PlanMessage.form_token == token))


def create_message(data: MessageData, actor: Person, now: datetime, form_token: str | None = None) -> PlanMessage:
    """A new draft. The same form token twice (a double-clicked submit) gives the first message back."""
    if not is_planner(actor):
        raise PlanError("not_planner")
    existing = find_by_token(form_token)
    if existing is not None:
        return existing
    check_data(data, now)
    message = PlanMessage(
        title=data.title, body=data.body, channel=data.channel, audience=data.audience,
        planned_at=data.planned_at, owner_id=data.owner_id, campaign_id=data.campaign_id, status="draft",
        form_token=form_token or None, created_by_id=actor.id, content_edited_by_id=actor.id, created_at=now,
        updated_at=now,
    )
    message.units = load_units(data.unit_ids)
    record(message, "", "draft", actor, now)
    db.session.add(message)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the other click won the race for the token
        existing = find_by_token(form_token)
        if existing is None:
            raise
        return existing
    return message


def _content(message: PlanMessage) -> tuple:
    return (message.title, message.body, message.channel, message.audience,
            sorted(u.id for u in message.units), message.campaign_id)


def _same_as(message: PlanMessage, data: MessageData) -> bool:
    return _content(message) + (message.planned_at, message.owner_id) == (
        data.title, data.body, data.channel, data.audience, sorted(data.unit_ids), data.campaign_id,
        data.planned_at, data.owner_id)


def _check_version(message: PlanMessage, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != message.version:
        raise PlanError("stale")


def _flush() -> None:
    """Flush; a row changed by someone else since we read it (version mismatch) is PlanError("stale").

    Autoflush can hit the same check earlier, in any query; the public writes use `_guarded`.
    """
    with _guarded():
        db.session.flush()


@contextmanager
def _guarded():
    try:
        yield
    except StaleDataError as exc:
        raise PlanError("stale") from exc


def _close_open_task(message: PlanMessage) -> None:
    with _guarded():  # the DELETE autoflushes pending changes to the message
        db.session.execute(delete(PlanTask).where(PlanTask.message_id == message.id, PlanTask.done_at.is_(None)))


@_guarded()
def update_message(message: PlanMessage, data: MessageData, actor: Person, now: datetime,
                   expected_version: int | None = None) -> bool:
    """Save an edit. Changing approved content sends the message back to review.

    Returns True when the status changed because of it.
    """
    if not is_planner(actor):
        raise PlanError("not_planner")
    if expected_version is not None and expected_version != message.version:
        if _same_as(message, data):  # the second click of a double-clicked "save"
            return False
        raise PlanError("stale")
    if message.status in workflow.FINAL:
        raise PlanError("read_only")
    if message.status == "cancelled":
        raise PlanError("cancelled")
    check_data(data, now)  # a scheduled message can be changed only before its time
    before = _content(message)
    message.title, message.body, message.channel = data.title, data.body, data.channel
    message.audience, message.campaign_id = data.audience, data.campaign_id
    message.planned_at, message.owner_id = data.planned_at, data.owner_id
    message.units = load_units(data.unit_ids)
    message.updated_at = now
    if _content(message) != before:
        message.content_edited_by_id = actor.id
    new_status = workflow.status_after_edit(message.status, _content(message) != before)
    changed = new_status != message.status
    if changed:
        _close_open_task(message)
        record(message, message.status, new_status, actor, now, "Innehållet ändrades efter godkännandet.")
        message.status = new_status
    _flush()
    return changed


def recipients(message: PlanMessage, now: datetime) -> list[Person]:
    """The people an e-mail would reach now (active, with the audience resolved now)."""
    return audience_mod.resolve(message.audience, [u.id for u in message.units], now)


def _check_can_go_out(message: PlanMessage, now: datetime) -> None:
    if message.planned_at <= now:
        raise PlanError("in_past", "planned_at")
    if is_email(message):
        try:
            people = recipients(message, now)
        except audience_mod.TrainingUnavailable as exc:
            raise PlanError("training_unavailable") from exc
        if not any(p.email for p in people):
            raise PlanError("empty_audience")


@_guarded()
def move(message: PlanMessage, move_name: str, actor: Person, now: datetime, comment: str = "",
         expected_version: int | None = None) -> bool:
    """Make a workflow move. Returns False when the message already is where the move leads
    (a repeated click), raises PlanError when the move is not possible."""
    if not is_planner(actor):
        raise PlanError("not_planner")
    target = workflow.MOVES.get(move_name)
    if target is not None and message.status == target.target and message.status not in target.sources:
        return False
    _check_version(message, expected_version)
    try:
        step = workflow.check_move(move_name, message.status)
    except workflow.WorkflowError as exc:
        raise PlanError(exc.code) from exc
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise PlanError("comment_required", "comment")
    if move_name == "approve" and actor.id in authors(message):
        if current_app.config["PLAN_FOUR_EYES"]:
            raise PlanError("four_eyes")
        comment = (comment + " " if comment else "") + SELF_APPROVED
    if step.target in ("approved", "scheduled") and move_name != "unschedule":
        _check_can_go_out(message, now)
    if message.status == "scheduled":
        _close_open_task(message)
    record(message, message.status, step.target, actor, now, comment)
    message.status = step.target
    message.updated_at = now
    _flush()
    return True


#: Added to the history when someone approves their own message (PLAN_FOUR_EYES off).
SELF_APPROVED = "(Godkänt av samma person som ändrade eller skickade det för granskning.)"


def authors(message: PlanMessage) -> set[int]:
    """Who may not approve the message: the last to change its content and the last to send it for review."""
    people = {message.content_edited_by_id} if message.content_edited_by_id else set()
    submitted = [(t.at, t.id or 0, t.actor_id) for t in message.transitions
                 if t.to_status == "review" and t.actor_id is not None]
    if submitted:
        people.add(max(submitted, key=lambda s: s[:2])[2])
    return people


@_guarded()
def mark_published(message: PlanMessage, actor: Person, now: datetime) -> bool:
    """The owner (or another planner) has posted it on the intranet, Teams, …"""
    if not is_planner(actor) and actor.id != message.owner_id:
        raise PlanError("not_planner")
    if message.status == "published":
        return False
    if is_email(message):
        raise PlanError("email_channel")
    if message.status != "scheduled" or message.planned_at > now:
        raise PlanError("not_publishable")
    _publish(message, actor, now)
    return True


def publish_automatically(message: PlanMessage, now: datetime, comment: str) -> None:
    """Vaksam marks a due message published itself, because another package's flow is its
    publication (`campaign.claims.DueClaim`): for `campaign.sending` at the message's time, and for
    that package when the message waited past its time (a pulse linked late). The caller checked
    that it is scheduled and due; a concurrent change raises StaleDataError."""
    _publish(message, None, now, comment)


def _publish(message: PlanMessage, actor: Person | None, now: datetime, comment: str = "") -> None:
    actor_id = actor.id if actor is not None else None
    task = db.session.scalar(select(PlanTask).where(PlanTask.message_id == message.id))
    if task is not None and task.done_at is None:
        task.done_at, task.done_by_id = now, actor_id
    record(message, message.status, "published", actor, now, comment)
    message.status, message.sent_at, message.updated_at = "published", now, now
    db.session.flush()
    signals.plan_message_published.send(signals.sender(), message=message, now=now, actor_id=actor_id)
