"""Writes for the LMS setup: saved column mappings (tokens are in `lms.tokens`). Callers commit."""
from __future__ import annotations

import signals
from extensions import db
from lms import queries
from models import ColumnMapping, Person


def announce(person_ids: set[int], batch_id: int | None) -> None:
    """Tell the status cache (and anyone else) that these people's completions changed
    (an import, its undo, an API report); call right after the commit."""
    signals.completions_imported.send(signals.sender(), person_ids=person_ids, batch_id=batch_id)


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
