"""Campaigns (the October awareness month) and the year-round communication plan.

* models: models/campaign.py (Campaign, Activity, PlanMessage, PlanTransition, PlanTask)
* writes: operations.py (plan messages and their workflow), activities.py (campaigns,
  activities, copy to next year); reads: queries.py; sending: sending.py (job in tasks.py)
* pure rules: workflow.py, yearshift.py, timeutil.py, markup.py, monthgrid.py, wheel.py
* extension points: wheel.register_category/register_provider (årshjul items); the "not done
  with the course" audience, {status} and {kurslänk} come from training.facts (audience.py)
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from campaign import cli, overview_views, plan_views, views, wheel_items  # noqa: F401  (routes register on bp)
    from campaign.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.campaign_group)
    wheel_items.register()
