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


def test_bulk_read_gives_the_rows_the_session_gives_and_refuses_entities(app, make_person):
    """`models.base.bulk_read`: a column select run on the session's connection returns the same
    rows as `session.execute` (types applied: aware UTC datetimes), sees what the session has
    pending (autoflush) in the same transaction, leaves it alone inside `no_autoflush`, and
    refuses a select of entities, which only the ORM can build."""
    from datetime import timezone

    import pytest

    from extensions import db
    from models import Person
    from models.base import bulk_read, fast_utc

    for name in ("anna", "bo", "cia"):
        make_person(name)
    db.session.commit()
    stmt = (select(Person.id, Person.username, Person.created_at, fast_utc(Person.created_at).label("fast"))
            .order_by(Person.id))
    through_orm = db.session.execute(stmt).all()
    rows = bulk_read(db.session, stmt).all()
    assert [tuple(r) for r in rows] == [tuple(r) for r in through_orm] and len(rows) == 3
    assert rows[0].username == "anna" and rows[0].created_at.tzinfo == timezone.utc == rows[0].fast.tzinfo

    db.session.add(Person(username="dan", given_name="Dan", family_name="Ej sparad"))  # not flushed yet
    with db.session.no_autoflush:
        assert "dan" not in bulk_read(db.session, select(Person.username)).scalars().all()
    assert "dan" in bulk_read(db.session, select(Person.username)).scalars().all()
    db.session.rollback()
    assert "dan" not in bulk_read(db.session, select(Person.username)).scalars().all()

    with pytest.raises(TypeError):
        bulk_read(db.session, select(Person))
    with pytest.raises(TypeError):
        bulk_read(db.session, select(Person, Person.id))
