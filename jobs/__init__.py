"""Scheduled jobs: one APScheduler process (`flask --app app scheduler`) guarded by a
database lease, jobs that poll the database for due rows, and a log of every run."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jobs import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.scheduler_command)
    app.cli.add_command(cli.jobs_group)
