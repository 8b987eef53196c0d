"""APT-kvittens: did the managers take security up at their workplace meetings (APT)?

* models: models/apt.py (AptConfirmation, AptStandIn)
* reads: queries.py (the managers' materials, coverage per förvaltning and unit, the KPI share)
* writes: operations.py (confirm for one's own unit, set a stand-in); pages: views.py
* what an APT material is: materials.py (an activity of kind "apt" or a plan message on the
  APT channel); the mail to the managers: announce.py; overdue ones in the digests: digest.py
* CLI: cli.py (`flask --app app apt …`)
"""
from __future__ import annotations

from flask import Flask

import signals


def init_app(app: Flask) -> None:
    from apt import announce, cli, views  # noqa: F401  (routes register on bp)
    from apt.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.apt_group)
    app.add_template_global(views.pending, "apt_pending")  # the start page's card
    signals.activity_changed.connect(announce.on_activity_changed)
    signals.plan_message_published.connect(announce.on_plan_message_published)
