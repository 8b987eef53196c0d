"""The Alembic migrations and the models describe the same schema."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, DefaultClause, MetaData, inspect, text

from extensions import db
from tests.schema_drift import drift, signature


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations: {diff}"


def test_server_defaults_index_predicates_and_checks_agree(app):
    with db.engine.connect() as conn:
        assert drift(db.metadata, conn) == []


def _copy_of_models() -> MetaData:
    copy = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def test_a_removed_index_predicate_is_caught(app):
    models = _copy_of_models()
    index = next(i for i in models.tables["outbox_message"].indexes if i.name == "ix_outbox_message_due")
    for dialect in ("postgresql", "sqlite"):
        index.dialect_options[dialect]._non_defaults.pop("where", None)
    with db.engine.connect() as conn:
        found = drift(models, conn)
    assert any("ix_outbox_message_due" in line for line in found), found


def test_an_added_server_default_is_caught(app):
    models = _copy_of_models()
    models.tables["person"].c.title.server_default = DefaultClause(text("'Handläggare'"))
    with db.engine.connect() as conn:
        found = drift(models, conn)
    assert any(line.startswith("person.title: server default") for line in found), found


def test_a_changed_or_missing_check_constraint_is_caught(app):
    models = _copy_of_models()
    table = models.tables["outbox_message"]
    for check in [c for c in table.constraints if isinstance(c, CheckConstraint)]:
        table.constraints.remove(check)
    with db.engine.connect() as conn:
        missing = drift(models, conn)
    table.append_constraint(CheckConstraint("status IN ('queued', 'sent')", name="status_known"))
    with db.engine.connect() as conn:
        changed = drift(models, conn)
    assert any("ck_outbox_message_status_known" in line for line in missing), missing
    assert any("ck_outbox_message_status_known" in line for line in changed), changed


def test_signatures_see_through_each_databases_rendering():
    assert signature("status IN ('queued', 'sent')") == signature(
        "((status)::text = ANY ((ARRAY['queued'::character varying, 'sent'::character varying])::text[]))")
    assert signature("status IN ('queued', 'sent')") != signature("status IN ('queued', 'failed')")
    assert signature("status = 'scheduled'") != signature("outcome = 'scheduled'")


def test_downgrade_to_base_and_upgrade_again(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"person", "person_ancestor", "audit_event"} <= set(inspect(db.engine).get_table_names())
