"""APT-kvittens: did the managers take security up at their workplace meetings (APT)?

* models: models/apt.py (AptConfirmation, AptStandIn)
* reads: queries.py (the managers' materials, coverage per förvaltning and unit, the KPI share)
* writes: operations.py (confirm for one's own unit, set a stand-in); pages: views.py
An APT material is a campaign activity of kind "apt"; its audience is the activity's units
(or the whole region), its deadline the activity's end.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from apt import views  # noqa: F401  (routes register on bp)
    from apt.blueprint import bp

    app.register_blueprint(bp)
