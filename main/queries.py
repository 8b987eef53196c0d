"""Reads of the main package: whether the database answers (for /healthz)."""
from __future__ import annotations

import logging

from sqlalchemy import text

from extensions import db


def database_ok() -> bool:
    """One round trip to the database; False (and the session rolled back) on any failure."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the point is to report any database failure
        logging.getLogger(__name__).exception("health check failed: the database does not answer")
        db.session.rollback()
        return False
    return True
