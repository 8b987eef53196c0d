"""Reads for the LMS pages and commands: courses, saved column mappings, imports and API tokens."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import ApiToken, ColumnMapping, Course, ImportBatch


def mappings() -> list[ColumnMapping]:
    return list(db.session.scalars(select(ColumnMapping).order_by(ColumnMapping.name)))


def mapping_by_id(mapping_id: int | None) -> ColumnMapping | None:
    return db.session.get(ColumnMapping, mapping_id) if mapping_id else None


def courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.name)))


def course_by_id(course_id: int | None) -> Course | None:
    return db.session.get(Course, course_id) if course_id else None


def recent_batches(limit: int = 200) -> list[ImportBatch]:
    """The newest imports first."""
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


def mapping_by_name(name: str) -> ColumnMapping | None:
    return db.session.scalar(select(ColumnMapping).where(ColumnMapping.name == name))


def api_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.name)))


def token_by_name(name: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.name == name))
