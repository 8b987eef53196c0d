"""Flask extensions, created unbound here and bound in `create_app()`."""
from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite only: enforce foreign keys like PostgreSQL, and let the scheduler thread
    and web requests share the file (WAL, wait instead of failing when busy)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds ASCII only ("ÅSA" stays "ÅSA"); Python's folds every letter,
        # as PostgreSQL's does with a UTF-8 locale, so name searches match alike on both.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value
