"""Pulse quizzes (kännedomsmätning): do people know the guidelines?

* models: models/pulse.py (Pulse, PulseQuestion, PulseParticipant = who, PulseTally = what)
* pure rules: rules.py (state of a pulse, validation, reporting unit, grouping of results)
* writes: operations.py (create, audience, answer); sending.py (invitations and the reminder, job in tasks.py)
* reads: queries.py; results: results.py; pages: views.py (employees) and admin_views.py
* a pulse planned as a communication-plan item (channel "quiz"): planning.py
* CLI: cli.py (`flask --app app pulse list|results`)
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from pulse import admin_views, cli, planning, views  # noqa: F401  (routes register on bp)
    from pulse.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.pulse_group)
    app.add_template_global(views.open_pulses, "open_pulses")  # the start page's card
    app.add_template_global(planning.pulse_for, "planned_pulse")  # the plan's message page
    app.add_template_global(planning.unlinked, "unlinked_pulses")
