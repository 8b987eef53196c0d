"""Each person's alternative addresses (`person_address`) from the directory: planned with
the rest of a sync (`plan_addresses`) and written in its transaction (`write_addresses`).

A person's set is replaced as a whole when it changes. An address that two people in the
directory claim, or that a person who keeps their set already holds, is stored for nobody:
a calendar reply from it could not say who answered.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, insert, select

from extensions import db
from models import PersonAddress
from models.base import bulk_read

BATCH = 2000


def plan_addresses(records: dict, existing: dict) -> dict[str, tuple[str, ...]]:
    """external id -> the new address set, for the people whose set changes (new people too)."""
    claims = Counter(a for rec in records.values() for a in rec.alt_emails)
    stored: dict[int, set[str]] = {}
    for person_id, address in bulk_read(db.session, select(PersonAddress.person_id, PersonAddress.address)):
        stored.setdefault(person_id, set()).add(address)
    changes: dict[str, tuple[str, ...]] = {}
    for ext, rec in records.items():
        wanted = tuple(a for a in rec.alt_emails if claims[a] == 1)
        row = existing.get(ext)
        if set(wanted) != stored.get(row.id if row is not None else -1, set()):
            changes[ext] = wanted
    changing = {existing[ext].id for ext in changes if ext in existing}
    kept = {a: pid for pid, addresses in stored.items() if pid not in changing for a in addresses}
    return {ext: tuple(a for a in wanted if a not in kept) for ext, wanted in changes.items()}


def write_addresses(changes: dict[str, tuple[str, ...]], stored: dict[str, tuple]) -> None:
    """Replace the planned sets; `stored` maps external id -> (person id, …) after the people are written."""
    ids = [stored[ext][0] for ext in changes if ext in stored]
    for i in range(0, len(ids), BATCH):
        db.session.execute(delete(PersonAddress).where(PersonAddress.person_id.in_(ids[i : i + BATCH])))
    rows = [{"person_id": stored[ext][0], "address": a} for ext, wanted in changes.items() if ext in stored
            for a in wanted]
    for i in range(0, len(rows), BATCH):
        db.session.execute(insert(PersonAddress), rows[i : i + BATCH])
