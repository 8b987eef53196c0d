"""Models of the LMS side: import batches, saved column mappings and the completions API's tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of, utcnow
from models.directory import Person
from models.training import Course

#: `ImportBatch.status` and `ImportBatch.source` values (see the columns).
IMPORT_STATUSES = ("imported", "unchanged", "undone")
IMPORT_SOURCES = ("web", "cli", "demo")


class ImportBatch(Base):
    """One import of an LMS report file: who, when, which file, what came of it."""

    __tablename__ = "training_import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it was imported.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who imported it (None for the CLI).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: "web", "cli" or "demo".
    source: Mapped[str] = mapped_column(String(10), default="web")
    #: The uploaded file's name as given.
    filename: Mapped[str] = mapped_column(String(300))
    #: SHA-256 of the file's bytes (hex).
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: File size in bytes.
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    #: Course given with --course / in the form (None = taken from the file).
    course_id: Mapped[int | None] = mapped_column(ForeignKey("training_course.id"))
    #: Saved column mapping used, if any.
    mapping_id: Mapped[int | None] = mapped_column(ForeignKey("training_column_mapping.id", ondelete="SET NULL"))
    #: Strict mode: any problem row would have stopped the import.
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Data rows in the file.
    rows: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows that added a completion or a start.
    imported: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows that changed nothing (already known, or not newer).
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows that matched nobody.
    unmatched: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows that matched several people.
    ambiguous: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows that repeated an earlier row of the same file.
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows with unreadable dates, statuses or courses.
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    #: The problem rows: [{"row", "kind", "reason", "identifier"}], for the downloadable list.
    problems: Mapped[list | None] = mapped_column(JSON)
    #: "imported", "unchanged" (added nothing: kept on record, never undone) or "undone".
    status: Mapped[str] = mapped_column(String(10), default="imported")
    #: When an admin undid it.
    undone_at: Mapped[datetime | None]
    #: Who undid it.
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    course: Mapped[Course | None] = relationship()

    __table_args__ = (
        one_of("status", IMPORT_STATUSES),
        one_of("source", IMPORT_SOURCES),
    )


class ColumnMapping(Base):
    """A saved mapping from our fields to the column headers of an unusual LMS file."""

    __tablename__ = "training_column_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name admins pick it by ("Kompetensportalen, gamla exporten").
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: {field: header}, fields as in `lms.files.FIELDS`.
    columns: Mapped[dict] = mapped_column(JSON)
    #: Who saved it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was saved or last changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ApiToken(Base):
    """A bearer token for one integration (an LMS that pushes completions)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name of the integration ("kompetensportalen").
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: SHA-256 (hex) of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, to tell tokens apart in lists.
    prefix: Mapped[str] = mapped_column(String(12))
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who created it (None for the CLI).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Last successful use.
    last_used_at: Mapped[datetime | None]
    #: When it was revoked (None while valid).
    revoked_at: Mapped[datetime | None]
