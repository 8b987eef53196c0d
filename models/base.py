"""Declarative base, naming conventions and the UTC-aware timestamp type.

Below the base: the speed tricks of the batch paths (bulk reads and writes of region-sized
data, measured in bench/), kept here beside `UTCDateTime` so the one contract they must keep —
same stored text, same aware UTC values — is read in one place. Each acts only on the statement
it is used in (no process-wide state), so a page may read through `fast_utc` too.
"""
from __future__ import annotations

import operator
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
    CursorResult,
    DateTime,
    Integer,
    MetaData,
    Result,
    Select,
    String,
    Table,
    TypeDecorator,
    bindparam,
    type_coerce,
)
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import DeclarativeBase, Session, registry, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """A CHECK that a column holds one of a fixed set of values (NULL passes, as in SQL), named
    `ck_<table>_<column>_known` by the naming convention. Its migration spells the values out."""
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"{column}_known")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always returned timezone-aware.

    SQLite has no time zones, so naive values coming back are UTC by contract;
    naive values going in are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def affected(result: Any) -> int:
    """How many rows an UPDATE or DELETE touched (`Session.execute` is typed as returning a plain
    `Result`; for DML it is a `CursorResult`, which has `rowcount`)."""
    return cast(CursorResult, result).rowcount


def table_of(model: type) -> Table:
    """A model's `Table`, typed as one (`__table__` is typed as the more general FromClause)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


# --- Batch-path speed (bench/training.py, bench/directory_sync.py) -------------------------

class FastUTC(TypeDecorator):
    """Reads a UTC timestamp column fast, for bulk loads of hundreds of thousands of rows.

    The driver's raw value is taken as is (a string on SQLite, an aware datetime on
    PostgreSQL) and turned into an aware UTC datetime with the C-speed `fromisoformat`,
    skipping the generic per-row processing of `UTCDateTime`. Same values, same contract.
    """

    impl = String
    cache_ok = True

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, datetime) and value.tzinfo is timezone.utc:
            return value
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def fast_utc(column):
    return type_coerce(column, FastUTC())


def bulk_read(session: Session | scoped_session, stmt: Select) -> Result:
    """Run a select of columns (not of entities) for many rows on the session's connection.

    `session.execute` hands a select that names mapped attributes (`Person.id`) to the ORM,
    whose row processing costs about 0.5 µs a row more than Core's and allocates enough to set
    off full garbage collections: with the collector on, 0.18 s of CPU against 0.03 s for
    55,000 people's identifiers, 0.84 s against 0.35 s for the 217,000 rows of the closure
    table (bench: the LMS import, the status recompute). Here the same statement runs in the
    same transaction, with the same column types and after the autoflush an ORM select gets,
    and gives the same `Row` tuples. An entity select (`select(Person)`) is refused: only the ORM builds objects."""
    if any(isinstance(d["type"], type) for d in stmt.column_descriptions):
        raise TypeError("bulk_read reads columns; select entities through the session")
    target = session() if isinstance(session, scoped_session) else session
    target._autoflush()  # the ORM's own step: flushes unless autoflush is off or a flush is running
    return target.connection().execute(stmt)


def ids_in(column, ids: Iterable[int]):
    """`column IN (…)` for a long list of integer ids (an import's thousands of people), with
    the ids written into the SQL as integer literals when it runs instead of one bound
    parameter each. Bound, every id costs a placeholder for SQLAlchemy to render, psycopg to
    parse and PostgreSQL to bind: about 55 ms of our CPU and as much of the database's for
    5,000 ids, against a few ms as literals (bench: the LMS import's refresh). Only integers
    are taken (`operator.index`: no strings, floats or booleans), so nothing but digits
    reaches the SQL."""
    return column.in_(bindparam(None, [_an_id(i) for i in ids], type_=Integer(), expanding=True,
                                literal_execute=True))


def _an_id(value) -> int:
    if isinstance(value, bool):
        raise TypeError("an id, not a boolean")
    return operator.index(value)


class FastUTCText(TypeDecorator):
    """Writes UTC timestamps to SQLite fast, for bulk inserts of tens of thousands of rows.

    The text is exactly what `UTCDateTime` stores on SQLite ("2024-09-15 12:03:00.000000",
    UTC), so comparisons and the unique indexes see the same values; it only skips the
    generic per-value processing. SQLite only: PostgreSQL gets real timestamps.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, str):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        if value.utcoffset():
            value = value.astimezone(timezone.utc)
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}:"
                f"{value.second:02d}.{value.microsecond:06d}")


def _sqlite_from_hint(self, table, text: str) -> str:
    """SQLite's `INDEXED BY` goes right after the table name, which is where SQLAlchemy puts
    FROM hints (`Select.with_hint(table, "INDEXED BY …", "sqlite")`); its SQLite dialect
    leaves them out, so without this a hint written for SQLite is silently dropped."""
    return text


SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]
