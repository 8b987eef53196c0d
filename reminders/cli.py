"""`flask --app app reminders run`: send the reminder rounds due now (also `flask training remind`)."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from extensions import db
from models import utcnow
from reminders import rounds

reminders = AppGroup("reminders", help="Training reminders: rounds, digests and escalation.")


@reminders.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; queue nothing.")
@click.option("--any-time", is_flag=True, help="Run outside office hours and working days too.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def remind(dry_run, any_time, as_json):
    """Send the reminder rounds due now (the scheduler does this every hour)."""
    try:
        report = rounds.run_round(utcnow(), dry_run=dry_run, ignore_office_hours=any_time)
    except ValueError as exc:  # a setting such as REMINDER_ROUNDS is unreadable
        raise click.ClickException(str(exc)) from exc
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        click.echo(("Would send: " if dry_run else "Queued: ") + str(report) + ".")
        for name in report.no_address:
            click.echo(f"  no usable e-mail address: {name}")
