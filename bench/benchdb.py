"""The database a benchmark runs on: a throwaway PostgreSQL (tests/services.py) or a SQLite file."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def database(postgres: bool, name: str) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database; a PostgreSQL server is stopped afterwards."""
    if not postgres:
        yield f"sqlite:///{tempfile.mkdtemp(prefix='vaksam-bench-')}/{name}.db"
        return
    from tests.services import Postgres

    server = Postgres()
    server.start()
    try:
        yield server.create_database(name)
    finally:
        server.stop()


def settle(engine) -> None:
    """VACUUM ANALYZE after a bulk load, as an operator does after a region's first import:
    the fresh tables get their visibility map (index-only scans work from the first request)
    and autovacuum has nothing left to start in the middle of a measurement (it did: the first
    page measured after the load was the slowest of the run)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
