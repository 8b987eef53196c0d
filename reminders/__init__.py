"""Training reminders: rounds relative to each person's due date, the managers' digests and
escalation (`rounds`), their texts in Swedish and English (`texts`), "remind now" from the
team and person pages (`actions`), and the admins' reminder pages (`views`)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from reminders import cli, remind_views, views
    from training.cli import training

    app.register_blueprint(views.bp)
    app.register_blueprint(remind_views.bp)
    app.jinja_env.globals.update(pending_remind_batch=remind_views.pending_batch,
                                 remind_all_form=remind_views.remind_all_form)
    app.cli.add_command(cli.reminders)
    training.add_command(cli.remind, "remind")  # its first name (cron lines and scripts use it)
