"""The LMS integration: importing LMS reports (CSV/XLSX, column mappings, preview, undo),
the completions API under /api/v1 with its bearer tokens, and its OpenAPI document.

Imports record completions; the status rule and the pages that show them are in `training/`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from extensions import csrf
    from lms import admin_views, api, cli, views
    from training.cli import training

    for blueprint in (views.bp, admin_views.bp, api.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # bearer tokens or read-only GETs: no form posts to protect
    app.cli.add_command(cli.lms)
    # The first names of these commands (cron lines and scripts use them).
    training.add_command(cli.import_command, "import")
    training.add_command(cli.undo_import, "undo-import")
    training.add_command(cli.token_group, "token")
