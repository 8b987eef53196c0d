"""Mandatory training ("Säkert Beteende"): requirements, LMS import and API, team and
region views, exports, KPI snapshots and the board report."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from extensions import csrf
    from training import admin_views, api, cli, import_views, reminder_views, report_views, views
    from training import cli_setup  # noqa: F401  (adds the course and token commands to the group)

    for blueprint in (views.bp, admin_views.bp, import_views.bp, report_views.bp, reminder_views.bp, api.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # bearer tokens or read-only GETs: no form posts to protect
    app.cli.add_command(cli.training)
    app.jinja_env.globals.update(training_state_label=views.state_label, training_filter_labels=views.FILTER_LABELS,
                                 display_rows=views.display_rows)
    app.jinja_env.filters["percent"] = views.format_percent
    app.jinja_env.filters["day"] = views.format_day

    import signals
    from training import freshness

    signals.completions_imported.connect(freshness.on_completions_imported, sender=app)
    signals.directory_synced.connect(freshness.on_directory_synced, sender=app)

    from campaign.audience import set_training_hook
    from training.campaign_hook import TrainingHook

    set_training_hook(app, TrainingHook())
