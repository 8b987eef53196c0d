"""`flask --app app retention run` and `flask --app app people extract`: thin wrappers over
privacy.operations; `--json` prints one object for scripts."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from models import utcnow
from privacy import extract, operations

retention_group = AppGroup("retention", help="Retention (gallring) of personal data.")
people_group = AppGroup("people", help="People: the register extract (GDPR art. 15).")


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what is due; change nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Rows per transaction.")
def run(dry_run, as_json, batch_size):
    """Apply every retention rule now (what is due is counted, then removed or pseudonymised)."""
    result = operations.run(utcnow(), dry_run=dry_run, batch_size=batch_size)
    if as_json:
        click.echo(json.dumps(result))
    else:
        for name, counts in result["categories"].items():
            state = "FAILED" if counts["due"] < 0 else f"due {counts['due']}, done {counts['done']}"
            click.echo(f"{name}: {state}")
        click.echo("dry run: nothing changed" if dry_run else "done")
    if not result["ok"]:
        sys.exit(1)


@people_group.command("extract")
@click.argument("username")
@click.option("--format", "fmt", type=click.Choice(operations.FORMATS), default="json", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (default: standard output; PDF needs a file).")
def extract_command(username, fmt, output):
    """Everything Vaksam holds about USERNAME, as PDF or JSON (recorded in the audit log)."""
    person = extract.find_person(username)
    if person is None:
        raise click.ClickException(f"no person with user name {username!r}")
    if fmt == "pdf" and output is None and sys.stdout.isatty():
        raise click.ClickException("a PDF needs --output FILE (or redirect standard output)")
    body = operations.produce_extract(person, fmt, utcnow())
    if output:
        with open(output, "wb") as fh:
            fh.write(body)
        click.echo(f"written to {output}", err=True)
    else:
        click.echo(body, nl=False)
