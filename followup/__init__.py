"""Audit follow-up: the security unit's answer to the auditors, kept current from the data.

* models: models/followup.py (AuditReport, Recommendation, Action, Evidence, Document,
  Comment, ChangeLog, Kpi, KpiValue, Board, BoardUnit)
* writes: operations.py (reports, actions, evidence, uploads via uploads.py), kpis.py
  (KPI values), boards.py (boards and their förvaltningar); history.py keeps every change
* reads: queries.py, report.py (the follow-up report as of a date), kpi_sources.py (the
  computed KPIs); output: document.py + pdf.py (DOCX/PDF); the trend chart is main/charts.py
* scheduled: tasks.py (computed KPIs at each quarter end); årshjul: wheel_items.py
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from followup import board_views, cli, kpi_views, report_views, views, wheel_items  # noqa: F401
    from followup.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.followup)
    wheel_items.register()
