"""Reads for the admins' outbox page."""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import MailOutage, OutboxMessage, OutboxSkip
from models.outbox import STATUSES

PAGE_SIZE = 50


def status_counts() -> dict[str, int]:
    """Number of messages per status (every status present, zero if none)."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts.update({status: n for status, n in rows})
    return counts


@dataclass
class Page:
    items: list[OutboxMessage]
    page: int
    pages: int
    total: int


def messages_page(status: str, page: int = 1) -> Page:
    """Messages with `status`: queued ones by when they are due, others newest first."""
    query = select(OutboxMessage).where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = {"sent": OutboxMessage.sent_at.desc(), "queued": OutboxMessage.next_attempt_at}.get(
        status, OutboxMessage.id.desc())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = db.session.scalars(query.order_by(order, OutboxMessage.id.desc())
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(list(items), page, pages, total)


@dataclass
class PartInfo:
    kind: str
    content_type: str
    params: str
    filename: str | None
    size: int


def extra_parts(message: OutboxMessage) -> list[PartInfo]:
    """The parts of the stored message besides the text and HTML bodies (calendar data, files)."""
    parsed = email.message_from_bytes(message.raw, policy=email.policy.default)
    infos = []
    for part in parsed.walk():
        if part.is_multipart():
            continue
        attachment = part.get_content_disposition() == "attachment"
        if not attachment and part.get_content_type() in ("text/plain", "text/html"):
            continue
        params = "; ".join(f"{k}={v}" for k, v in (part.get_params() or [])[1:])
        infos.append(PartInfo("attachment" if attachment else "alternative", part.get_content_type(), params,
                              part.get_filename(), len(part.get_payload(decode=True) or b"")))
    return infos


def eml_path(message: OutboxMessage) -> Path | None:
    """The demo-mode .eml file of a message, if it was written and still exists."""
    if not message.eml_name:
        return None
    directory = Path(current_app.config["OUTBOX_MAIL_DIR"]).resolve()
    path = (directory / message.eml_name).resolve()
    if path.parent != directory or not path.is_file():
        return None
    return path


def recent_skips(limit: int = 50) -> tuple[list[OutboxSkip], int]:
    """The latest recipients a batch could not mail (newest first), and how many there are in all."""
    total = db.session.scalar(select(func.count()).select_from(OutboxSkip))
    rows = db.session.scalars(select(OutboxSkip).order_by(OutboxSkip.id.desc()).limit(limit)).all()
    return list(rows), total or 0


def current_outage() -> MailOutage | None:
    """The mail outage going on now, if any (the page warns about it)."""
    return db.session.scalar(select(MailOutage).where(MailOutage.ended_at.is_(None))
                             .order_by(MailOutage.id.desc()).limit(1))
