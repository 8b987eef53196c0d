"""Mandatory training ("Säkert Beteende"): courses, requirements, exemptions, the status rule
and its cache, the team/region/person pages, exports, KPI snapshots and the board report.
(LMS import and API: `lms/`; reminders: `reminders/`.)"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    import signals
    from training import (
        admin_views,
        cli,
        cli_setup,  # noqa: F401  (adds the course commands to the group)
        freshness,
        report_views,
        views,
    )

    for blueprint in (views.bp, admin_views.bp, report_views.bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(cli.training)
    app.jinja_env.globals.update(training_state_label=views.state_label, training_filter_labels=views.FILTER_LABELS,
                                 display_rows=views.display_rows, count_rows=views.count_rows)
    app.jinja_env.filters["day"] = views.format_day
    signals.completions_imported.connect(freshness.on_completions_imported, sender=app)
    signals.directory_synced.connect(freshness.on_directory_synced, sender=app)
