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


def test_ids_in_writes_integer_literals_and_selects_the_same_rows(app):
    """`models.base.ids_in`: long id lists go into the SQL as integer literals (no bound
    parameter per id), select what `IN` selects, and refuse anything that is not an integer."""
    import pytest
    from sqlalchemy import event

    from extensions import db
    from models import Unit
    from models.base import ids_in

    db.session.add_all([Unit(key=f"u{i}", name=f"Enhet {i}", path="/") for i in range(5)])
    db.session.commit()
    ids = sorted(db.session.scalars(select(Unit.id)))
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        wanted = [ids[0], ids[2], ids[4]]
        assert sorted(db.session.scalars(select(Unit.id).where(ids_in(Unit.id, wanted)))) == [ids[0], ids[2], ids[4]]
        assert list(db.session.scalars(select(Unit.id).where(ids_in(Unit.id, [])))) == []
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = seen[0]
    assert f"IN ({ids[0]}, {ids[2]}, {ids[4]})" in statement and not parameters
    for not_an_id in ("1) OR (1=1", "7", 2.0, True, None):
        with pytest.raises(TypeError):
            ids_in(Unit.id, [not_an_id])
