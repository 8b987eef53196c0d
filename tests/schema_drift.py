"""What Alembic's autogenerate comparison does not look at: server defaults, index predicates
(partial indexes) and CHECK constraints, compared between the models and a migrated database.

SQL text is compared by its signature — the identifiers and literals it mentions — because each
database gives back its own rendering (PostgreSQL turns `status IN ('a', 'b')` into
`(status)::text = ANY (ARRAY['a'::text, 'b'::text])`).
"""
from __future__ import annotations

import re

from sqlalchemy import CheckConstraint, MetaData, inspect
from sqlalchemy.engine import Connection

#: Words that are SQL syntax or type names, not identifiers of ours.
SQL_WORDS = {
    "and", "or", "not", "in", "is", "null", "any", "array", "all", "true", "false", "text", "character", "varying",
    "integer", "bigint", "boolean", "between", "like", "case", "when", "then", "else", "end", "length", "char_length",
    "numeric", "double", "precision", "current_timestamp", "now", "cast", "as", "varchar", "timestamp", "with",
    "without", "time", "zone", "date",
}


def signature(sql) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(identifiers, literals) mentioned by a piece of SQL, each sorted; None for no SQL."""
    if sql is None:
        return None
    text = str(getattr(sql, "text", sql)).lower()
    literals = re.findall(r"'((?:[^']|'')*)'", text)
    rest = re.sub(r"'(?:[^']|'')*'", " ", text)
    rest = re.sub(r"::[a-z ]+(\[\])?", " ", rest)  # PostgreSQL casts
    words = {w for w in re.findall(r"[a-z_][a-z0-9_]*", rest) if w not in SQL_WORDS}
    numbers = re.findall(r"\b\d+(?:\.\d+)?\b", rest)
    return tuple(sorted(words)), tuple(sorted(set(literals) | set(numbers)))


def _model_default(column) -> object | None:
    default = column.server_default
    if default is None:
        return None
    return getattr(default, "arg", default)


def drift(metadata: MetaData, conn: Connection) -> list[str]:
    """Every difference in server defaults, index predicates and CHECK constraints."""
    dialect = conn.dialect.name
    insp = inspect(conn)
    found: list[str] = []
    existing = set(insp.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue  # a missing table is Alembic's comparison's to report
        columns = {c["name"]: c for c in insp.get_columns(table.name)}
        for column in table.columns:
            got = columns.get(column.name, {}).get("default")
            if got is not None and "nextval(" in str(got):
                got = None  # PostgreSQL's serial default, not a server default of ours
            want = _model_default(column)
            if signature(want) != signature(got):
                found.append(f"{table.name}.{column.name}: server default {want!r} in the model, {got!r} in the database")
        indexes = {i["name"]: i for i in insp.get_indexes(table.name)}
        for index in table.indexes:
            want = index.dialect_options[dialect].get("where") if dialect in ("postgresql", "sqlite") else None
            got = indexes.get(index.name, {}).get("dialect_options", {}).get(f"{dialect}_where")
            if signature(want) != signature(got):
                found.append(f"{table.name}: index {index.name} has predicate {str(want)!r} in the model, "
                             f"{str(got)!r} in the database")
        want_checks = {c.name: c.sqltext for c in table.constraints if isinstance(c, CheckConstraint)}
        got_checks = {c["name"]: c["sqltext"] for c in insp.get_check_constraints(table.name)}
        for name in sorted(set(want_checks) | set(got_checks)):
            if signature(want_checks.get(name)) != signature(got_checks.get(name)):
                found.append(f"{table.name}: CHECK {name} is {str(want_checks.get(name))!r} in the model, "
                             f"{str(got_checks.get(name))!r} in the database")
    return found
