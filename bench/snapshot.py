"""A copy of a loaded database, restored before every measured pass (bench/retention.py) or for
every test that reads the loaded demo (tests/suite_speed.py)."""
from __future__ import annotations

import gc
import sqlite3
from contextlib import closing


class Snapshot:
    """A copy of the loaded database, kept by the database itself: a PostgreSQL template database
    (CREATE DATABASE … TEMPLATE) named `<database>_<suffix>`, or a copy of the SQLite file made
    with SQLite's backup API (`<file>.<suffix>`; consistent whatever is still in the WAL).
    Restoring replaces the database with the copy: every row and sequence as it was saved."""

    def __init__(self, url: str, suffix: str = "copy"):
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.postgres = self.url.get_backend_name() == "postgresql"
        self.copy = f"{self.url.database}_{suffix}" if self.postgres else f"{self.url.database}.{suffix}"

    def _admin(self):
        from sqlalchemy import create_engine

        return create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    @staticmethod
    def _close() -> None:
        from extensions import db

        db.session.remove()
        db.engine.dispose()

    def save(self) -> None:
        self._close()
        if not self.postgres:
            _sqlite_copy(self.url.database, self.copy)
            return
        gc.collect()  # an app made and dropped (in a test) holds pooled connections until collected
        engine = self._admin()
        with engine.connect() as conn:
            # A template must have no other sessions; any left are idle connections of such apps.
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = %s AND pid <> pg_backend_pid()", (self.url.database,))
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.copy}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.copy}" TEMPLATE "{self.url.database}"')
        engine.dispose()

    def restore(self) -> None:
        self._close()
        if not self.postgres:
            _sqlite_copy(self.copy, self.url.database)
            return
        engine = self._admin()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{self.url.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.url.database}" TEMPLATE "{self.copy}"')
        engine.dispose()


def _sqlite_copy(source: str, target: str) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
