"""At a plan message's time: e-mail goes out through the outbox, other channels become a
"publish now" task for the owner. Run by the scheduled job "campaign.send_due".

Another package may claim a non-mail message at its time (`campaign.claims.due_claim`): when its
own flow is the publication (a pulse planned by a "quiz" item), the message is marked published
with no task and no owner mail; or the owner's task mail says what to do instead.

One poll over due rows (status "scheduled", planned_at <= now). For each e-mail message,
in ONE transaction: mark it sent (the version check makes a concurrent edit or a second
poller lose), resolve the audience from the directory as it is now, and enqueue one outbox
message per person with the key plan:{message}:{person}. A crash before the commit leaves
nothing behind and the next poll does it again; the keys make a repeat harmless anyway.

A person who cannot be mailed is skipped and counted (the outbox lists them for the admins).
A message that fails as a whole (an error while rendering or queueing it) is rolled back,
marked "failed" with the reason in its history, and the poll goes on with the next one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from campaign import audience as audience_mod
from campaign import claims, markup
from campaign.operations import email_channel, publish_automatically, record
from extensions import db
from main.i18n import fmt_datetime
from main.navigation import absolute_url
from models import Person, PlanMessage, PlanTask
from outbox.mime import check_header_text
from outbox.operations import enqueue

log = logging.getLogger(__name__)


@dataclass
class SendSummary:
    """What one poll did."""

    sent: int = 0
    mails: int = 0
    #: People skipped (no or unusable address, a line break in the name), all reasons together.
    no_address: int = 0
    #: The same, by reason (no_address, invalid_address, invalid_header).
    unmailable: dict[str, int] = field(default_factory=dict)
    tasks: int = 0
    #: Non-mail messages marked published because another package's flow publishes them.
    published: int = 0
    returned: list[int] = field(default_factory=list)
    #: Messages that could not be sent: {message id: reason}.
    failed: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"sent {self.sent} messages ({self.mails} mails, {self.no_address} without a usable address"
        if self.unmailable:
            text += " [" + ", ".join(f"{k} {v}" for k, v in sorted(self.unmailable.items())) + "]"
        text += f"), tasks {self.tasks}"
        if self.published:
            text += f", published by their own flow {self.published}"
        if self.returned:
            text += f"; back to review: {self.returned}"
        if self.failed:
            text += "; failed: " + "; ".join(f"{k}: {v}" for k, v in self.failed.items())
        return text


def placeholder_values(person: Person, now: datetime) -> dict[str, str]:
    """{förnamn}, {enhet}, {status}, {kurslänk} for one person (safe defaults when unknown)."""
    values = {"förnamn": person.given_name or person.name, "enhet": person.unit.name if person.unit else ""}
    values.update(audience_mod.training_values(person, now, _("okänd")))
    return values


def wrap_html(fragment: str, title: str) -> str:
    """A whole HTML document around the body, as mail clients expect."""
    from markupsafe import escape

    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body>{fragment}</body></html>")


def due_ids(now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(PlanMessage.id).where(PlanMessage.status == "scheduled", PlanMessage.planned_at <= now)
        .order_by(PlanMessage.planned_at, PlanMessage.id)))


def send_due(now: datetime) -> SendSummary:
    """One poll: every due e-mail message is sent, every other due message gets its task
    (or is published, when another package claims it)."""
    summary = SendSummary()
    with force_locale("sv"):
        for message_id in due_ids(now):
            message = db.session.get(PlanMessage, message_id)
            if message is None or message.status != "scheduled" or message.planned_at > now:
                continue
            before = replace(summary, returned=list(summary.returned), unmailable=dict(summary.unmailable),
                             failed=dict(summary.failed))
            try:
                if message.channel == email_channel():
                    _send_email(message, now, summary)
                else:
                    _publish_or_open_task(message, now, summary)
                db.session.commit()
            except (StaleDataError, IntegrityError):
                # Edited, cancelled or handled by another poller meanwhile: the row decides next time.
                db.session.rollback()
                summary = before
                log.info("plan message %s changed while being sent; left for the next poll", message_id)
            except Exception as exc:  # this message only: the later ones still go out in this run
                db.session.rollback()
                log.exception("plan message %s could not be sent", message_id)
                summary = before
                _mark_failed(message_id, f"{type(exc).__name__}: {exc}", now, summary)
    return summary


def _mark_failed(message_id: int, reason: str, now: datetime, summary: SendSummary) -> None:
    """Mark a message that could not be sent as failed, with the reason in its history."""
    try:
        message = db.session.get(PlanMessage, message_id)
        if message is None or message.status != "scheduled":
            return
        record(message, "scheduled", "failed", None, now, _("Kunde inte skickas: %(reason)s", reason=reason[:1000]))
        message.status = "failed"
        db.session.commit()
        summary.failed[message_id] = reason
    except Exception:  # the database itself is failing: the next poll tries again
        db.session.rollback()
        log.exception("plan message %s: could not record the failure", message_id)


def _send_email(message: PlanMessage, now: datetime, summary: SendSummary) -> None:
    try:
        people = audience_mod.resolve(message.audience, [u.id for u in message.units], now)
    except audience_mod.TrainingUnavailable:
        return _back_to_review(message, now, _("Kunde inte skickas: kursuppgifter saknas för målgruppen."), summary)
    reachable = [p for p in people if p.email]
    if not reachable:
        return _back_to_review(message, now, _("Kunde inte skickas: målgruppen var tom vid utskickstiden."), summary)
    # A control character in the title would skip every reader: the message fails as a whole instead.
    check_header_text(" ".join(message.title.split()), "title")
    record(message, "scheduled", "sent", None, now)
    message.status, message.sent_at = "sent", now
    db.session.flush()  # claims the message: a concurrent edit or poll now fails its version check
    html = markup.to_html(message.body)
    mailed = missing = 0
    for person in people:
        rendered = markup.personalise(message.title, html, placeholder_values(person, now))
        result = enqueue(f"plan:{message.id}:{person.id}", to=person, subject=rendered.subject, text=rendered.text,
                         html=wrap_html(rendered.html, rendered.subject), related=("plan_message", message.id),
                         now=now)
        if result.ok:
            mailed += 1
        else:
            missing += 1
            summary.unmailable[result.outcome] = summary.unmailable.get(result.outcome, 0) + 1
    message.recipient_count, message.no_address_count = mailed, missing
    summary.sent += 1
    summary.mails += mailed
    summary.no_address += missing


def _back_to_review(message: PlanMessage, now: datetime, reason: str, summary: SendSummary) -> None:
    record(message, "scheduled", "review", None, now, reason)
    message.status = "review"
    db.session.flush()
    _mail_owner(message, f"plan-problem:{message.id}:{message.version}",
                _("Meddelandet skickades inte: %(title)s", title=message.title),
                _("%(reason)s\n\nMeddelandet ”%(title)s” är tillbaka för granskning. Öppna det i Vaksam:\n%(url)s\n",
                  reason=reason, title=message.title, url=absolute_url(f"/plan/{message.id}")), now)
    summary.returned.append(message.id)


def _publish_or_open_task(message: PlanMessage, now: datetime, summary: SendSummary) -> None:
    claim = claims.due_claim(message, now)
    if claim is not None and claim.published:
        publish_automatically(message, now, claim.published)
        summary.published += 1
        return
    if db.session.scalar(select(PlanTask.id).where(PlanTask.message_id == message.id)) is not None:
        return
    task = PlanTask(message_id=message.id, owner_id=message.owner_id, created_at=now)
    db.session.add(task)
    db.session.flush()
    if claim is not None and claim.subject:
        subject, text = claim.subject, claim.text
    else:
        subject = _("Dags att publicera: %(title)s", title=message.title)
        text = _("Meddelandet ”%(title)s” ska publiceras nu i kanalen %(channel)s (planerat %(time)s).\n\n"
                 "Publicera det och markera det sedan som publicerat i Vaksam:\n%(url)s\n",
                 title=message.title, channel=message.channel, time=fmt_datetime(message.planned_at),
                 url=absolute_url("/plan/uppgifter"))
    _mail_owner(message, f"plan-task:{task.id}", subject, text, now)
    summary.tasks += 1


def _mail_owner(message: PlanMessage, key: str, subject: str, text: str, now: datetime) -> None:
    owner = db.session.get(Person, message.owner_id)
    if owner is not None and owner.active:
        enqueue(key, to=owner, subject=" ".join(subject.split()), text=text,
                related=("plan_message", message.id), now=now)

