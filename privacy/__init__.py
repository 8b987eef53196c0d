"""Personal data by design: retention (gallring), register extracts and the record of processing.

* the retention table: retention.py (one row per category: data, purpose, legal ground,
  period, setting, end action); the end actions: purge.py (database) and files.py (files)
* which tables hold person references: coverage.py (drives the extract; a test keeps it complete)
* writes: operations.py (a retention run, an audited extract); reads: queries.py, extract.py
* output: documents.py (extract PDF, record of processing as blocks and DOCX)
* scheduled: tasks.py (nightly, RETENTION_TIME); CLI: cli.py (`retention run`, `people extract`)
* pages: views.py (/admin/gallring, /admin/registerutdrag, /admin/dataskydd, /mina-uppgifter)
"""
from __future__ import annotations

from flask import Flask


def _hour_minute(value: str) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in value.split(":"))
    except ValueError:
        raise ValueError(f"RETENTION_TIME must be HH:MM, got {value!r}") from None
    return hour, minute


def init_app(app: Flask) -> None:
    from privacy import cli, views  # noqa: F401  (views registers the routes)
    from privacy.blueprint import bp
    from privacy.retention import periods

    try:
        periods(app.config)
        hour, minute = _hour_minute(app.config["RETENTION_TIME"])
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError("RETENTION_TIME must be HH:MM")
    except ValueError as exc:  # a period of 0 (or below the minimum) never starts the app
        raise RuntimeError(f"retention settings: {exc}") from exc
    app.register_blueprint(bp)
    app.cli.add_command(cli.retention_group)
    app.cli.add_command(cli.people_group)
