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
