"""How retention works through a table: one range of primary keys per statement and commit.

Each statement only matches rows that still hold what it removes, so a run that stops half-way
continues where it was, and a second run changes nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.sql import Executable

from extensions import db
from privacy.retention import BY_NAME, cutoff


@dataclass
class Outcome:
    due: int = 0
    done: int = 0


@dataclass
class Run:
    """One retention run: the moment, the periods from the settings, dry run or not, batch size."""

    now: datetime
    periods: dict[str, int]
    dry_run: bool = False
    batch_size: int = 20000
    config: dict = field(default_factory=dict)

    def cutoff(self, name: str) -> datetime:
        return cutoff(BY_NAME[name], self.periods[name], self.now)


def count(table_id: Any, conditions: list) -> int:
    return db.session.scalar(select(func.count(table_id)).where(*conditions)) or 0


def relax_commit() -> None:
    """PostgreSQL: this transaction's commit need not wait for its WAL flush. Retention is idempotent,
    so a crash that loses the last few batches only means the next run does them again; waiting for
    a disk flush after every batch would cost more than the batch itself."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def by_id_ranges(run: Run, id_col: Any, conditions: list, statement: Callable[[list], Executable]) -> Outcome:
    """Apply `statement(conditions)` one primary-key range at a time, committing each range."""
    if run.dry_run:
        n = count(id_col, conditions)
        return Outcome(n, 0)
    low, high = db.session.execute(select(func.min(id_col), func.max(id_col))).one()
    out = Outcome()
    if low is None:
        return out
    start = low
    while start <= high:
        relax_commit()
        result: Any = db.session.execute(statement(conditions + [id_col >= start, id_col < start + run.batch_size]))
        db.session.commit()
        out.due += result.rowcount or 0
        out.done += result.rowcount or 0
        start += run.batch_size
    return out
