"""Finding people by name: one rule for every people search (team, region, directory, admin).

Case-insensitive for every letter ("åsa", "Åsa" and "ÅSA" alike) on PostgreSQL and on
SQLite (whose lower() is replaced by a Unicode one in `extensions`); "%" and "_" typed by
the user are literal characters, not wildcards.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_

from models import Person


def name_matches(q: str, *extra) -> ColumnElement[bool]:
    """People whose name, user name (or one of the `extra` text columns) contains `q`."""
    needle = q.strip().lower()
    full_name = func.coalesce(Person.given_name, "") + " " + func.coalesce(Person.family_name, "")
    columns = (Person.display_name, full_name, Person.username, *extra)
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))
