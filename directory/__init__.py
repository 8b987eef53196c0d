"""The staff directory: people, units and the org tree (sync from LDAP in `directory.sync`)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from directory import admin_views, cli, labels, views

    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.cli.add_command(cli.directory_group)
    app.jinja_env.globals["sync_outcome_label"] = labels.run_outcome_label
