"""Mail server outages: noticed by the sender, shown to the admins, alerted once.

The sender calls `note()` after each run. A run in which the server answered nothing and
failed (refused, 421, timed out) opens an outage or extends the open one; a run in which it
answered about a message closes it. When an outage has lasted OUTBOX_ALERT_MINUTES, the
admins get ONE alert mail (ADMIN_ALERT_TO, or everyone with the admin role when that is
empty). The mail server is the very thing that is down, so the alert does not rely on it
alone:

* it is logged at ERROR level by the scheduler (journal / log monitoring see it at once),
* the admins' outbox page shows the outage while it lasts (`queries.current_outage`),
* the alert mail is queued through the outbox ahead of everything else, so it is the first
  message out when the server answers again (with the start time and the last error).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import MailOutage, Person, RoleGrant
from outbox.operations import enqueue

log = logging.getLogger(__name__)


def open_outage() -> MailOutage | None:
    return db.session.scalar(select(MailOutage).where(MailOutage.ended_at.is_(None))
                             .order_by(MailOutage.id.desc()).limit(1))


def note(error: str | None, answered: bool, now: datetime) -> MailOutage | None:
    """Record what a sender run learnt about the server; returns the open outage, if any."""
    outage = open_outage()
    if answered:
        if outage is not None:
            outage.ended_at = now
            db.session.commit()
            log.warning("mail server answers again; outage since %s is over", outage.started_at.isoformat())
        return None
    if error is None:  # nothing was due, or nothing was tried: no news about the server
        db.session.rollback()
        return outage
    if outage is None:
        outage = MailOutage(started_at=now, last_failure_at=now, last_error=error[:4000])
        db.session.add(outage)
    outage.last_failure_at, outage.last_error = now, error[:4000]
    minutes = current_app.config["OUTBOX_ALERT_MINUTES"]
    if outage.alerted_at is None and now - outage.started_at >= timedelta(minutes=minutes):
        db.session.flush()
        _alert(outage, now)
        outage.alerted_at = now
    db.session.commit()
    return outage


def alert_recipients() -> list[str]:
    """ADMIN_ALERT_TO (comma-separated), else the addresses of everyone with the admin role."""
    configured = [a.strip() for a in (current_app.config.get("ADMIN_ALERT_TO") or "").split(",") if a.strip()]
    if configured:
        return configured
    return sorted(set(db.session.scalars(
        select(Person.email).join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.role == "admin", Person.active.is_(True), Person.email.is_not(None)))))


def _alert(outage: MailOutage, now: datetime) -> None:
    cfg = current_app.config
    since = outage.started_at.strftime("%Y-%m-%d %H:%M UTC")
    minutes = int((now - outage.started_at).total_seconds() // 60)
    log.error("MAIL OUTAGE: no mail has left Vaksam for %s minutes (since %s): %s",
              minutes, since, outage.last_error)
    url = cfg["BASE_URL"].rstrip("/") + "/admin/outbox"
    text = (f"E-post från Vaksam har inte kunnat lämna e-postservern sedan {since}.\n"
            f"Senaste fel: {outage.last_error}\n\n"
            f"Meddelandena ligger kvar i kön och skickas när servern svarar igen; de ges upp först efter "
            f"{cfg['OUTBOX_GIVE_UP_HOURS']} timmar. Det här larmet skickas en gång per avbrott.\n{url}\n\n"
            f"Mail from Vaksam has not been able to leave the mail server since {since}.\n"
            f"Last error: {outage.last_error}\n"
            f"The messages stay queued and go out when the server answers again.\n")
    # Queued ahead of everything else (due long ago): the first message out when the server is back.
    first = outage.started_at - timedelta(days=30)
    for address in alert_recipients():
        result = enqueue(f"mail-outage:{outage.id}:{address}"[:200], to=address,
                         subject=f"Vaksam: e-post har inte kunnat skickas sedan {since} / mail not sent since {since}",
                         text=text, send_after=first, related=("mail_outage", outage.id), now=now)
        if not result.ok:
            log.error("mail outage alert: cannot mail %r (%s)", address, result.outcome)
