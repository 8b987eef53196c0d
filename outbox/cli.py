"""`flask --app app outbox send|status|test`: thin wrappers for operators and scripts."""
from __future__ import annotations

import json
from dataclasses import asdict

import click
from flask.cli import AppGroup

from extensions import db
from outbox import operations, queries
from outbox.sender import send_due

outbox_group = AppGroup("outbox", help="The outgoing mail queue.")


@outbox_group.command("send")
@click.option("--json", "as_json", is_flag=True)
def send(as_json):
    """Send due messages now (what the scheduled job "outbox.send" does)."""
    report = send_due()
    click.echo(json.dumps(asdict(report)) if as_json else str(report))
    if report.error and not report.sent:
        raise SystemExit(1)


@outbox_group.command("status")
@click.option("--json", "as_json", is_flag=True)
def status(as_json):
    """Count messages per status."""
    counts = queries.status_counts()
    click.echo(json.dumps(counts) if as_json else "  ".join(f"{k}: {v}" for k, v in counts.items()))


@outbox_group.command("test")
@click.argument("address")
@click.option("--json", "as_json", is_flag=True)
def test(address, as_json):
    """Queue a test message to ADDRESS (checks the mail settings end to end)."""
    import secrets

    result = operations.enqueue(
        f"cli-test:{secrets.token_hex(8)}", to=address, subject="Vaksam: testmeddelande / test message",
        text="Det här är ett test av e-postutskicket från Vaksam.\n\nThis is a test message from Vaksam.\n",
    )
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"outcome": result.outcome, "message_id": result.message_id}))
        if result.outcome != "queued":
            raise SystemExit(1)
    elif result.outcome != "queued":
        raise click.ClickException(f"not queued: {result.outcome.replace('_', ' ')}")
    else:
        click.echo(f"Queued as message {result.message_id}; it goes out with the next run of outbox.send.")
