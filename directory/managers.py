"""Each record's manager for a directory sync: references to nobody, to oneself and cycles are
reported in the sync's problems and leave the person without a manager (`manager_unknown`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from directory.mapping import PersonRecord
from directory.tree import find_cycles

if TYPE_CHECKING:
    from directory.sync import SyncResult


def resolve_managers(records: dict[str, PersonRecord], result: SyncResult) -> tuple[dict, set]:
    by_dn = {r.dn_norm: ext for ext, r in records.items()}
    managers: dict[str, str | None] = {}
    unknown: set[str] = set()
    for ext, rec in records.items():
        if rec.manager_dn_norm is None:
            managers[ext] = None
            continue
        boss = by_dn.get(rec.manager_dn_norm)
        if boss is None:
            result.problems["dangling_manager"].append({"username": rec.username, "manager": rec.manager_dn_norm})
            unknown.add(ext)
            managers[ext] = None
        elif boss == ext:
            result.problems["cycles"].append([rec.username])
            unknown.add(ext)
            managers[ext] = None
        else:
            managers[ext] = boss
    active = {ext: m for ext, m in managers.items() if not records[ext].disabled}
    in_cycles = find_cycles({ext: (m if m in active else None) for ext, m in active.items()})
    if in_cycles:
        result.problems["cycles"].append(sorted(records[e].username for e in in_cycles))
        for ext in in_cycles:
            unknown.add(ext)
            managers[ext] = None
    return managers, unknown
