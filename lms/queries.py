"""Reads for the LMS pages and commands: saved column mappings and API tokens."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import ApiToken, ColumnMapping


def mappings() -> list[ColumnMapping]:
    return list(db.session.scalars(select(ColumnMapping).order_by(ColumnMapping.name)))


def mapping_by_name(name: str) -> ColumnMapping | None:
    return db.session.scalar(select(ColumnMapping).where(ColumnMapping.name == name))


def api_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.name)))


def token_by_name(name: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.name == name))
