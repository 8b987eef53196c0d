"""`flask --app app training …`: import, undo, status, snapshots, cache refresh, reminders.

Course setup and API tokens are in `training.cli_setup`. Every command is a thin
wrapper over an operation; `--json` prints one object for scripts.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import Course, ImportBatch, Person, Unit, utcnow
from training import freshness, importer, operations, queries, refresh, reminders, snapshots

training = AppGroup("training", help="Mandatory training: import, status, snapshots, setup.")


def _course(code: str | None) -> Course | None:
    if not code:
        return None
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise click.ClickException(f"No such course: {code}")
    return course


@training.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--course", "course_code", default=None, help="Course code, when the file has no course column.")
@click.option("--mapping", "mapping_name", default=None, help="Name of a saved column mapping.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--strict", is_flag=True, help="Refuse the whole file if any row has a problem.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_command(path, course_code, mapping_name, dry_run, strict, as_json):
    """Import an LMS report (CSV or XLSX); all or nothing, safe to repeat."""
    course = _course(course_code)
    mapping = queries.mapping_by_name(mapping_name) if mapping_name else None
    if mapping_name and mapping is None:
        raise click.ClickException(f"No such column mapping: {mapping_name}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror}") from exc
    result = importer.import_file(
        data, path.name, course=course, mapping=mapping.columns if mapping else None,
        mapping_id=mapping.id if mapping else None, dry_run=dry_run, strict=strict, source="cli", now=utcnow(),
    )
    if result.ok and not dry_run:
        db.session.commit()
        operations.announce_completions(result.person_ids, result.batch_id)
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
    verb = "Would import" if result.dry_run else "Imported"
    click.echo(f"{verb} {result.imported} of {result.rows} rows; {result.unchanged} unchanged.")
    for label, rows in (("Unmatched", result.unmatched), ("Ambiguous", result.ambiguous),
                        ("Duplicates", result.duplicates)):
        if rows:
            click.echo(f"{label} rows: {', '.join(map(str, rows))}")
    for item in result.invalid:
        click.echo(f"Invalid row {item['row']}: {importer.reason_en(item['code'], item['value'])}")


@training.command("undo-import")
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
    operations.announce_completions(people, batch_id)
    click.echo(json.dumps({"batch": batch_id, "removed": removed}) if as_json
               else f"Import {batch_id} undone; {removed} completions removed.")


@training.command("status")
@click.option("--unit", "unit_id", type=int, default=None, help="A unit id (with everything below it).")
@click.option("--manager", "manager_username", default=None, help="A manager's user name (everyone below them).")
@click.option("--course", "course_code", default=None, help="Course code (default: the first active requirement).")
@click.option("--json", "as_json", is_flag=True)
def status(unit_id, manager_username, course_code, as_json):
    """Completion numbers, the same as the pages show."""
    if unit_id is not None and manager_username:
        raise click.UsageError("Give --unit or --manager, not both.")
    requirement = queries.requirement_for_course(_course(course_code))
    if requirement is None:
        raise click.ClickException("No active requirement" + (f" for course {course_code}" if course_code else ""))
    now = utcnow()
    freshness.run_pending(now)  # an operator's command may wait; pages never do
    if manager_username:
        manager = db.session.scalar(select(Person).where(Person.username == manager_username.lower()))
        if manager is None:
            raise click.ClickException(f"No such person: {manager_username}")
        report = queries.status_report_for_manager(requirement, manager)
    elif unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise click.ClickException(f"No such unit: {unit_id}")
        report = queries.status_report_for_unit(requirement, unit)
    else:
        report = queries.status_report_for_unit(requirement, None)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(f"{report['scope']['name']} ({report['as_of']}): {report['completed']} of {report['required']} "
               f"completed, {report['overdue']} overdue, {report['exempt']} exempt.")
    for unit in report["units"]:
        click.echo(f"  {unit['name']:<40} {unit['completed']:>6} / {unit['required']:<6} {unit['percent'] or 0:>5}%")


@training.command("snapshot")
@click.option("--json", "as_json", is_flag=True)
def snapshot(as_json):
    """Take KPI snapshots now (per unit, every active requirement)."""
    rows = snapshots.take_snapshots(utcnow(), kind="manual")
    db.session.commit()
    click.echo(json.dumps({"snapshots": rows}) if as_json else f"{rows} unit snapshots taken.")


@training.command("refresh")
def refresh_command():
    """Recompute the status cache now (the scheduler also does, within TRAINING_REFRESH_SECONDS)."""
    refresh.mark_dirty()
    db.session.commit()
    done = freshness.run_pending(utcnow())
    click.echo(f"Status cache refreshed ({done or 'another process is refreshing it'}).")


@training.command("remind")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; queue nothing.")
@click.option("--any-time", is_flag=True, help="Run outside office hours and working days too.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def remind(dry_run, any_time, as_json):
    """Send the reminder rounds due now (the scheduler does this every hour)."""
    try:
        report = reminders.run_round(utcnow(), dry_run=dry_run, ignore_office_hours=any_time)
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
