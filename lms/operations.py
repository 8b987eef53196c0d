"""Writes for the LMS setup: saved column mappings (tokens are in `lms.tokens`). Callers commit."""
from __future__ import annotations

from extensions import db
from lms import queries
from models import ColumnMapping, Person


def save_mapping(name: str, columns: dict[str, str], actor: Person | None) -> ColumnMapping:
    """Create the mapping called `name`, or replace the columns of the one that exists."""
    name = name.strip()
    mapping = queries.mapping_by_name(name)
    if mapping is None:
        mapping = ColumnMapping(name=name, columns={}, created_by_id=actor.id if actor else None)
        db.session.add(mapping)
    mapping.columns = columns
    return mapping


def delete_mapping(mapping: ColumnMapping) -> None:
    db.session.delete(mapping)
