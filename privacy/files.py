"""Retention of files on disk: LMS report previews and follow-up evidence documents.

The database rows that describe a file (an import's provenance, a document's name and
checksum) are kept; only the bytes go.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from sqlalchemy import select

from extensions import db
from followup import uploads
from lms import previews
from models import Action, Document, Evidence

#: Actions whose evidence is still being gathered keep every file.
OPEN_ACTION_STATUSES = ("planned", "in_progress")


def lms_preview_dir() -> Path:
    """Where the LMS import keeps an uploaded report between preview and confirmation (lms/previews.py,
    whose own job deletes them after the same TRAINING_PREVIEW_HOURS; this is the backstop and the count)."""
    return previews.folder()


def lms_previews_before(moment: datetime) -> list[Path]:
    """Preview files last written before `moment`."""
    directory = lms_preview_dir()
    if not directory.is_dir():
        return []
    limit = moment.timestamp()
    return sorted(p for p in directory.iterdir() if p.is_file() and p.stat().st_mtime < limit)


def oldest_lms_preview() -> datetime | None:
    directory = lms_preview_dir()
    times = [p.stat().st_mtime for p in directory.iterdir() if p.is_file()] if directory.is_dir() else []
    return datetime.fromtimestamp(min(times), UTC) if times else None


def remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _action_anchor(action: Action) -> date:
    return action.due_on or action.created_at.date()


def _action_keeps(action: Action, now: datetime, years: int) -> bool:
    """An open action keeps its files; a closed one until `years` after the end of its year."""
    if action.status in OPEN_ACTION_STATUSES:
        return True
    end_of_year = date(_action_anchor(action).year, 12, 31)
    return now.date() <= end_of_year + relativedelta(years=years)


def evidence_documents_due(now: datetime, years: int) -> list[Document]:
    """Documents still on disk whose every action (through evidence still counted) lets them go.

    A file linked to no counted evidence goes `years` after its upload."""
    candidates = db.session.scalars(select(Document).where(Document.file_removed_at.is_(None))
                                    .order_by(Document.id)).all()
    if not candidates:
        return []
    links: dict[int, list[Action]] = {}
    rows = db.session.execute(select(Evidence.document_id, Action).join(Action, Evidence.action_id == Action.id)
                              .where(Evidence.document_id.in_([d.id for d in candidates]),
                                     Evidence.removed_at.is_(None)))
    for document_id, action in rows:
        links.setdefault(document_id, []).append(action)
    due = []
    for document in candidates:
        actions = links.get(document.id)
        if actions:
            if not any(_action_keeps(a, now, years) for a in actions):
                due.append(document)
        elif document.uploaded_at + relativedelta(years=years) < now:
            due.append(document)
    return due


def remove_document(document: Document, now: datetime) -> None:
    """Delete the file; the row keeps its name and checksum and says when the file went."""
    remove(uploads.path_of(document.stored_name))
    document.file_removed_at = now
