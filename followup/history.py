"""The change history of follow-up rows, and what a row looked like at an earlier moment.

Each change is one ChangeLog row (field, old → new as text). A row as of a moment is its
current values with every later change undone, newest first. Values are stored as text so
one table serves every kind of field; `from_text` turns them back.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from extensions import db
from models import ChangeLog

#: The fields kept in the history per entity, with their Python type.
TRACKED: dict[str, dict[str, type]] = {
    "action": {"recommendation_id": int, "title": str, "description": str, "owner_id": int, "due_on": date,
               "status": str, "postponed_reason": str},
    "recommendation": {"number": int, "text": str, "remarks": str},
    "kpi_value": {"value": float, "target": float, "note": str},
}


def to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def from_text(kind: type, text: str):
    if text == "" and kind is not str:
        return None
    if kind is date:
        return date.fromisoformat(text)
    return kind(text)


def log(entity: str, entity_id: int, field: str, old, new, *, actor_id: int | None, at: datetime,
        action_id: int | None = None) -> ChangeLog:
    change = ChangeLog(entity=entity, entity_id=entity_id, action_id=action_id, field=field,
                       old_value=to_text(old), new_value=to_text(new), at=at, actor_id=actor_id)
    db.session.add(change)
    return change


def apply(obj, entity: str, values: dict, *, actor_id: int | None, at: datetime,
          action_id: int | None = None) -> list[str]:
    """Set `values` on `obj` and log each field that really changes; returns the changed fields."""
    changed = []
    for field, new in values.items():
        if field not in TRACKED[entity]:
            raise KeyError(f"{entity}.{field} is not tracked")
        old = getattr(obj, field)
        if to_text(old) == to_text(new):
            continue
        setattr(obj, field, new)
        log(entity, obj.id, field, old, new, actor_id=actor_id, at=at, action_id=action_id)
        changed.append(field)
    return changed


def undo_later(entity: str, current: dict, changes: Iterable[tuple[str, str, datetime]], moment: datetime) -> dict:
    """Pure: `current` field values with every change made after `moment` undone.

    `changes` are (field, old value as text, time) of one row, in any order.
    """
    values = dict(current)
    types = TRACKED[entity]
    for field, old, at in sorted(changes, key=lambda c: c[2], reverse=True):
        if at > moment and field in types:
            values[field] = from_text(types[field], old)
    return values


def later_changes(entity: str, ids: Iterable[int], moment: datetime) -> dict[int, list[tuple[str, str, datetime]]]:
    """{row id: [(field, old, at)]} of the changes made after `moment` (one query)."""
    ids = list(ids)
    found: dict[int, list] = defaultdict(list)
    if not ids:
        return found
    rows = db.session.execute(select(ChangeLog.entity_id, ChangeLog.field, ChangeLog.old_value, ChangeLog.at).where(
        ChangeLog.entity == entity, ChangeLog.entity_id.in_(ids), ChangeLog.at > moment))
    for entity_id, field, old, at in rows:
        found[entity_id].append((field, old, at))
    return found


def as_of(entity: str, rows: list, moment: datetime) -> dict[int, dict]:
    """{row id: {field: value as of `moment`}} for the tracked fields of `rows`."""
    later = later_changes(entity, [r.id for r in rows], moment)
    fields = TRACKED[entity]
    return {r.id: undo_later(entity, {f: getattr(r, f) for f in fields}, later.get(r.id, []), moment) for r in rows}


def first_time(action_id: int, field: str, value: str, before: datetime) -> datetime | None:
    """When `field` of an action last became `value` at or before `before` (e.g. when it was done)."""
    return db.session.scalar(select(ChangeLog.at).where(
        ChangeLog.entity == "action", ChangeLog.entity_id == action_id, ChangeLog.field == field,
        ChangeLog.new_value == value, ChangeLog.at <= before).order_by(ChangeLog.at.desc()).limit(1))


def of_action(action_id: int) -> list[ChangeLog]:
    """Everything that happened to an action, oldest first (its fields, comments, evidence)."""
    return list(db.session.scalars(select(ChangeLog).where(ChangeLog.action_id == action_id)
                                   .order_by(ChangeLog.at, ChangeLog.id)))
