"""extensions.py: what it changes about SQLAlchemy and SQLite."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite


def test_index_hints_written_for_sqlite_reach_sqlite_only():
    import extensions  # noqa: F401  (installs the hint rendering)
    from models import PersonStatus
    from training.queries import PK_HINT

    stmt = select(PersonStatus.person_id).with_hint(PersonStatus, PK_HINT, "sqlite")
    assert "FROM training_status INDEXED BY sqlite_autoindex_training_status_1" in str(
        stmt.compile(dialect=sqlite.dialect()))
    assert "INDEXED BY" not in str(stmt.compile(dialect=postgresql.dialect()))
