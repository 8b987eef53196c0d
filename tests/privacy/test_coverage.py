"""Every person reference in the schema is in the register extract and under a retention rule.

This walks the live metadata (every model registered by `import models`): a new table with a
foreign key to person.id, or a column named person_id / …_person_id, fails here until it is
declared in privacy/coverage.py."""
from __future__ import annotations

import json

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from extensions import db


def test_every_person_reference_is_declared():
    import models  # noqa: F401
    from privacy import coverage

    assert coverage.undeclared(list(db.metadata.tables.values())) == []
    assert coverage.stale(db.metadata.tables) == []
    assert coverage.unknown_categories() == []


def test_the_walk_finds_an_undeclared_table():
    from privacy import coverage

    meta = MetaData()
    Table("person", meta, Column("id", Integer, primary_key=True))
    fk = Table("calendar_reply", meta, Column("id", Integer, primary_key=True),
               Column("answered_by", ForeignKey("person.id")))
    named = Table("session_store", meta, Column("id", Integer, primary_key=True), Column("person_id", Integer))
    assert coverage.undeclared([fk, named]) == ["calendar_reply.answered_by", "session_store.person_id"]


def test_the_extract_has_a_section_for_every_declared_reference(runner, history):
    from privacy.coverage import EXTRA_SECTIONS, present

    result = runner.invoke(args=["people", "extract", "admin", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = {f"{r.table}.{r.column}" for r in present(db.metadata.tables)} | {key for key, _, _ in EXTRA_SECTIONS}
    assert set(data["sections"]) == expected
    assert all(s["retention_label"] for s in data["sections"].values())
