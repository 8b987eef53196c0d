"""`flask --app app lms …`: import an LMS report, undo an import, API tokens.

The same commands stay reachable under their first names (`flask training import`,
`training undo-import`, `training token …`): cron lines and scripts use them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from extensions import db
from jobs.batch import collector_paused
from lms import importer, queries, results, tokens
from lms import operations as lms_operations
from models import ImportBatch, utcnow
from training import operations
from training.cli import course_by_code

lms = AppGroup("lms", help="LMS reports and the completions API: import, undo, tokens.")
token_group = AppGroup("token", help="API tokens for integrations.")
lms.add_command(token_group)


@lms.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--course", "course_code", default=None, help="Course code, when the file has no course column.")
@click.option("--mapping", "mapping_name", default=None, help="Name of a saved column mapping.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--strict", is_flag=True, help="Refuse the whole file if any row has a problem.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_command(path, course_code, mapping_name, dry_run, strict, as_json):
    """Import an LMS report (CSV or XLSX); all or nothing, safe to repeat."""
    course = course_by_code(course_code)
    mapping = queries.mapping_by_name(mapping_name) if mapping_name else None
    if mapping_name and mapping is None:
        raise click.ClickException(f"No such column mapping: {mapping_name}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror}") from exc
    with collector_paused():  # a command, not a web request: see jobs/batch.py
        result = importer.import_file(
            data, path.name, course=course, mapping=mapping.columns if mapping else None,
            mapping_id=mapping.id if mapping else None, dry_run=dry_run, strict=strict, source="cli", now=utcnow(),
        )
        if result.ok and not dry_run:
            db.session.commit()
            lms_operations.announce(result.person_ids, result.batch_id)  # the status refresh of these people
        else:
            db.session.rollback()
    _report_import(result, as_json, strict)
    if not result.ok:
        sys.exit(1)


def _report_import(result: importer.ImportResult, as_json: bool, strict: bool) -> None:
    if result.error is not None:
        click.echo(f"Error: {result.error}", err=True)
    elif not result.ok and strict:
        click.echo(f"Error: strict mode and {result.problem_count} problem rows; nothing imported.", err=True)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    if result.error is not None:
        return
    if result.ok:
        verb = "Would import" if result.dry_run else "Imported"
        click.echo(f"{verb} {result.imported} of {result.rows} rows; {result.unchanged} unchanged.")
    else:
        click.echo(f"Refused: 0 of {result.rows} rows imported.")
    for label, rows in (("Unmatched", result.unmatched), ("Ambiguous", result.ambiguous),
                        ("Duplicates", result.duplicates)):
        if rows:
            click.echo(f"{label} rows: {', '.join(map(str, rows))}")
    for item in result.invalid:
        click.echo(f"Invalid row {item['row']}: {results.reason_en(item['code'], item['value'])}")


@lms.command("undo-import")
@click.argument("batch_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def undo_import(batch_id, as_json):
    """Remove the completions of the newest import (a mistaken file)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise click.ClickException(f"No such import: {batch_id}")
    people = operations.batch_people(batch)
    try:
        removed = operations.undo_import(batch, None, utcnow())
    except operations.TrainingError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    lms_operations.announce(people, batch_id)
    click.echo(json.dumps({"batch": batch_id, "removed": removed}) if as_json
               else f"Import {batch_id} undone; {removed} completions removed.")


@token_group.command("create")
@click.argument("name")
def create_token(name):
    """Create a token for an integration; it is printed once."""
    try:
        _row, token = tokens.create_token(name, None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(token)


@token_group.command("revoke")
@click.argument("name")
def revoke_token(name):
    """Revoke an integration's token."""
    row = queries.token_by_name(name)
    if row is None:
        raise click.ClickException(f"No such token: {name}")
    changed = tokens.revoke_token(row, None, utcnow())
    db.session.commit()
    click.echo(f"Token {name}: {'revoked' if changed else 'already revoked'}")


@token_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_tokens(as_json):
    """List tokens (never the tokens themselves)."""
    rows = [{"name": t.name, "prefix": t.prefix, "created": t.created_at.isoformat(),
             "last_used": t.last_used_at.isoformat() if t.last_used_at else None, "revoked": t.revoked_at is not None}
            for t in queries.api_tokens()]
    if as_json:
        click.echo(json.dumps(rows))
    else:
        for r in rows:
            click.echo(f"{r['name']:<30} {r['prefix']}…  {'revoked' if r['revoked'] else 'valid'}")
