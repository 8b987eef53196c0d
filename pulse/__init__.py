"""Pulse quizzes (kännedomsmätning): do people know the guidelines?

* models: models/pulse.py (Pulse, PulseQuestion, PulseParticipant = who, PulseTally = what)
* pure rules: rules.py (state of a pulse, validation, reporting unit, grouping of results)
* writes: operations.py (create, audience, answer); sending.py (invitations and the reminder, job in tasks.py)
* reads: queries.py; results: results.py; pages: views.py (employees) and admin_views.py
* a pulse planned as a communication-plan item (channel "quiz"): planning.py (with the receivers
  that publish the item at its time and link the calendar and årshjul to the pulse)
* CLI: cli.py (`flask --app app pulse list|results`)
"""
from __future__ import annotations

from flask import Flask

import signals


def init_app(app: Flask) -> None:
    from pulse import admin_views, cli, planning, views  # noqa: F401  (routes register on bp)
    from pulse.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.pulse_group)
    app.add_template_global(views.open_pulses, "open_pulses")  # the start page's card
    app.add_template_global(planning.pulse_for, "planned_pulse")  # the plan's message page
    app.add_template_global(planning.unlinked, "unlinked_pulses")
    app.add_template_global(planning.may_manage, "may_manage_pulses")
    signals.plan_message_due.connect(planning.on_plan_message_due)  # a quiz item is published by its pulse
    signals.plan_messages_listed.connect(planning.on_plan_messages_listed)  # the calendar links to the pulse
