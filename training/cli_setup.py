"""`flask --app app training course …`: scripted setup of courses, versions and requirements.

The course commands are idempotent: running the same line twice changes nothing
the second time (the output says "unchanged"), so a region can keep its setup in a script.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import Course, CourseVersion, Requirement, Unit
from training import operations
from training.cli import training

course_group = AppGroup("course", help="Courses, versions and requirements (idempotent).")
training.add_command(course_group)


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-11-30", param_hint=option) from None


def _course(code: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise click.ClickException(f"No such course: {code}")
    return course


def _finish(outcome: operations.Outcome, label: str, as_json: bool) -> None:
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"result": outcome.result, "id": outcome.obj.id}))
    else:
        click.echo(f"{label}: {outcome.result}")


def _run(func, *args):
    try:
        return func(*args)
    except operations.TrainingError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc


@course_group.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--url", default=None, help="Link to the course on the LMS (default: the COURSE_URL setting).")
@click.option("--minutes", type=int, default=None, help="How long the course takes (told in reminders; 0 = unknown).")
@click.option("--json", "as_json", is_flag=True)
def add_course(code, name, url, minutes, as_json):
    """Create or update a course."""
    outcome = _run(operations.ensure_course, code, name, url, minutes)
    _finish(outcome, f"Course {code}", as_json)


@course_group.command("version")
@click.argument("code")
@click.option("--name", required=True, help="Version name, e.g. 'Säkert Beteende 2024'.")
@click.option("--published", required=True, help="Publication date, YYYY-MM-DD.")
@click.option("--lms-name", default=None, help="Course name in the LMS reports (default: the name).")
@click.option("--json", "as_json", is_flag=True)
def add_version(code, name, published, lms_name, as_json):
    """Create or update a version of a course."""
    outcome = _run(operations.ensure_version, _course(code), name, _date(published, "--published"), lms_name)
    _finish(outcome, f"Version {name}", as_json)


@course_group.command("requirement")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--due", default=None, help="Due date for current staff, YYYY-MM-DD.")
@click.option("--unit", "unit_keys", multiple=True, help="Unit key or id (repeatable); default: all staff.")
@click.option("--new-starter-days", type=int, default=None)
@click.option("--renewal-months", type=int, default=None)
@click.option("--current-version", default=None, help="Name of the version that counts after the transition.")
@click.option("--transition", default=None, help="Older versions stop counting after this date, YYYY-MM-DD.")
@click.option("--inactive", is_flag=True, help="Keep it, but stop counting it.")
@click.option("--json", "as_json", is_flag=True)
def add_requirement(code, name, due, unit_keys, new_starter_days, renewal_months, current_version, transition,
                    inactive, as_json):
    """Create or update a requirement (by name)."""
    course = _course(code)
    version_id = None
    if current_version:
        version = db.session.scalar(select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.name == current_version))
        if version is None:
            raise click.ClickException(f"No version {current_version!r} of {code}")
        version_id = version.id
    unit_ids = tuple(_unit_id(k) for k in unit_keys)
    spec = operations.RequirementSpec(
        name=name, due_on=_date(due, "--due"), audience="units" if unit_ids else "all", unit_ids=unit_ids,
        new_starter_days=new_starter_days, renewal_months=renewal_months, current_version_id=version_id,
        transition_on=_date(transition, "--transition"), active=not inactive,
    )
    outcome = _run(operations.ensure_requirement, course, spec)
    _finish(outcome, f"Requirement {name}", as_json)


def _unit_id(key: str) -> int:
    unit = db.session.scalar(select(Unit).where(Unit.key == key))
    if unit is None and key.isdigit():
        unit = db.session.get(Unit, int(key))
    if unit is None:
        raise click.ClickException(f"No such unit: {key}")
    return unit.id


@course_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_courses(as_json):
    """List courses, versions and requirements."""
    courses = db.session.scalars(select(Course).order_by(Course.code)).all()
    requirements = db.session.scalars(select(Requirement).order_by(Requirement.id)).all()
    data: list[dict[str, Any]] = [{
        "code": c.code, "name": c.name, "url": c.url, "minutes": c.duration_minutes,
        "versions": [{"name": v.name, "lms_name": v.lms_name, "published": v.published_on.isoformat()}
                     for v in c.versions],
        "requirements": [{"name": r.name, "due": r.due_on.isoformat() if r.due_on else None, "active": r.active,
                          "audience": r.audience} for r in requirements if r.course_id == c.id],
    } for c in courses]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    for c in data:
        click.echo(f"{c['code']}: {c['name']}")
        for v in c["versions"]:
            click.echo(f"  version {v['name']} (LMS: {v['lms_name']}, published {v['published']})")
        for r in c["requirements"]:
            click.echo(f"  requirement {r['name']} due {r['due']}{'' if r['active'] else ' (inactive)'}")
