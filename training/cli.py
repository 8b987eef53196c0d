"""`flask --app app training …`: status, snapshots, cache refresh.

Course setup is in `training.cli_setup`; import, undo and API tokens in `lms.cli` and the
reminder rounds in `reminders.cli` (both also reachable here under their first names). Every command is a thin
wrapper over an operation; `--json` prints one object for scripts.
"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import Course, Person, Unit, utcnow
from training import freshness, queries, refresh, snapshots

training = AppGroup("training", help="Mandatory training: import, status, snapshots, setup.")


def course_by_code(code: str | None) -> Course | None:
    """The course with this code (None for no code); a click error for an unknown one."""
    if not code:
        return None
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise click.ClickException(f"No such course: {code}")
    return course


@training.command("status")
@click.option("--unit", "unit_id", type=int, default=None, help="A unit id (with everything below it).")
@click.option("--manager", "manager_username", default=None, help="A manager's user name (everyone below them).")
@click.option("--course", "course_code", default=None, help="Course code (default: the first active requirement).")
@click.option("--json", "as_json", is_flag=True)
def status(unit_id, manager_username, course_code, as_json):
    """Completion numbers, the same as the pages show."""
    if unit_id is not None and manager_username:
        raise click.UsageError("Give --unit or --manager, not both.")
    requirement = queries.requirement_for_course(course_by_code(course_code))
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
