"""A copy of a loaded benchmark database, restored before every measured pass."""
from __future__ import annotations

import shutil


class Snapshot:
    """A copy of the loaded database, restored before every measured pass: a PostgreSQL template
    database (CREATE DATABASE … TEMPLATE), or a copy of the SQLite file."""

    def __init__(self, url: str):
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.postgres = self.url.get_backend_name() == "postgresql"

    def _admin(self):
        from sqlalchemy import create_engine

        return create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def save(self) -> None:
        from extensions import db

        db.session.remove()
        db.engine.dispose()
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE bench_copy TEMPLATE "{self.url.database}"')
            engine.dispose()
        else:
            shutil.copyfile(self.url.database, self.url.database + ".copy")

    def restore(self) -> None:
        from extensions import db

        db.session.remove()
        db.engine.dispose()
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{self.url.database}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{self.url.database}" TEMPLATE bench_copy')
            engine.dispose()
        else:
            shutil.copyfile(self.url.database + ".copy", self.url.database)
