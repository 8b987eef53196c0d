"""Durable outgoing mail: every e-mail is an `outbox_message` row first, then sent.

Public API for other packages:
  outbox.operations.enqueue(key, to=..., subject=..., text=..., html=..., alternatives=..., attachments=...)
  outbox.mime.Part, calendar_alternative(ics), ics_attachment(ics)
The sender (`outbox.sender.send_due`) runs as the scheduled job "outbox.send".
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from outbox import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.outbox_group)
