"""The per-unit counts of the status cache (`training_unit_summary`), which the region page
reads instead of counting 55,000 statuses and walking the unit tree on every request.

Written only through `training.refresh`: `write_all` with a full recompute, `shift` when
`refresh_people` moves a few people between states or units. A unit's "subtree" row counts
everyone whose unit path runs through it; unit 0 is the whole region ("subtree") and the
people without a unit ("own").
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update

from extensions import db
from models import UnitSummary
from models.base import ids_in
from training.status import STATES

BATCH = 5000
#: The table itself, for the executemany statements.
TABLE = cast(Table, UnitSummary.__table__)
_STATE_INDEX = {s: i for i, s in enumerate(STATES)}
Key = tuple[str, int]


def _keys(unit_id: int | None, paths: Mapping[int, list[int]]) -> list[Key]:
    if unit_id is None:
        return [("own", 0), ("subtree", 0)]
    return [("own", unit_id), ("subtree", 0)] + [("subtree", u) for u in paths.get(unit_id, [unit_id])]


def _add(counts: dict[Key, list[int]], state: str, unit_id: int | None, paths: Mapping[int, list[int]],
         step: int) -> None:
    index = _STATE_INDEX[state]
    for key in _keys(unit_id, paths):
        counts[key][index] += step


def _row(requirement_id: int, key: Key, counts: list[int]) -> dict:
    return {"requirement_id": requirement_id, "kind": key[0], "unit_id": key[1], "required": sum(counts),
            **dict(zip(STATES, counts, strict=True))}


def write_all(requirement_id: int, people: Mapping[int, tuple[str, int | None]],
              paths: Mapping[int, list[int]]) -> None:
    """Replace the requirement's unit counts; `people` is {person id: (state, unit id)}."""
    counts: dict[Key, list[int]] = defaultdict(lambda: [0] * len(STATES))
    for state, unit_id in people.values():
        _add(counts, state, unit_id, paths, 1)
    db.session.execute(delete(UnitSummary).where(UnitSummary.requirement_id == requirement_id))
    rows = [_row(requirement_id, key, c) for key, c in counts.items()]
    for i in range(0, len(rows), BATCH):
        db.session.execute(insert(TABLE), rows[i:i + BATCH])


def shift(requirement_id: int, before: Mapping[int, Mapping], after: Mapping[int, Mapping],
          paths: Mapping[int, list[int]]) -> None:
    """Move people from their old cached row (state, unit) to the new one."""
    delta: dict[Key, list[int]] = defaultdict(lambda: [0] * len(STATES))
    for rows, step in ((before, -1), (after, 1)):
        for row in rows.values():
            _add(delta, row["state"], row["unit_id"], paths, step)
    delta = {key: d for key, d in delta.items() if any(d)}
    if not delta:
        return
    table = TABLE
    existing = {(r.kind, r.unit_id): [getattr(r, s) for s in STATES] for r in db.session.execute(
        select(table).where(table.c.requirement_id == requirement_id,
                            ids_in(table.c.unit_id, sorted({u for _k, u in delta}))))}
    inserts: list[dict] = []
    updates: list[dict] = []
    for key, d in delta.items():
        counts = [max(0, old + step) for old, step in zip(existing.get(key, [0] * len(STATES)), d, strict=True)]
        (updates if key in existing else inserts).append(_row(requirement_id, key, counts))
    if inserts:
        db.session.execute(insert(table), inserts)
    if updates:
        stmt = update(table).where(
            table.c.requirement_id == bindparam("b_req"), table.c.kind == bindparam("b_kind"),
            table.c.unit_id == bindparam("b_unit"),
        ).values({c: bindparam(c) for c in ("required", *STATES)})
        db.session.execute(stmt, [{**{c: r[c] for c in ("required", *STATES)}, "b_req": requirement_id,
                                   "b_kind": r["kind"], "b_unit": r["unit_id"]} for r in updates])
