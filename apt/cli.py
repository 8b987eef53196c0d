"""`flask --app app apt …`: the APT materials, their coverage, and (re)sending the APT mail.

A material is named "activity:<id>" or "message:<id>" (a bare id is an activity), as `apt list`
shows. Thin wrappers over apt.queries and apt.announce; `--json` prints one object for scripts.
"""
from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup

from apt import announce, materials, queries
from apt.materials import Material
from extensions import db
from models import utcnow

apt_group = AppGroup("apt", help="APT confirmations: materials, coverage per administration, the managers' mail.")


def _material(key: str) -> Material:
    found = materials.parse_key(key)
    if found is None:
        raise click.ClickException(f"no APT material {key!r} (see 'flask --app app apt list'; "
                                   "a cancelled activity or an unpublished message is not one)")
    return found


@apt_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def list_command(as_json: bool) -> None:
    """Every APT material with its deadline and how many units confirmed."""
    rows: list[dict[str, Any]] = []
    for material in materials.all_materials():
        confirmed, expected = queries.coverage_share([material])
        rows.append({"key": material.key, "title": material.title, "deadline": material.deadline.isoformat(),
                     "confirmed": confirmed, "expected": expected})
    if as_json:
        click.echo(json.dumps({"materials": rows}, ensure_ascii=False))
        return
    if not rows:
        click.echo("no APT materials")
    for row in rows:
        click.echo(f"{row['key']:<14} {row['confirmed']:>4}/{row['expected']:<4} "
                   f"due {row['deadline'][:10]}  {row['title']}")


@apt_group.command("coverage")
@click.argument("material")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def coverage_command(material: str, as_json: bool) -> None:
    """Per förvaltning: units confirmed of those expected, and the units still missing."""
    found = _material(material)
    groups = queries.coverage(found)
    confirmed, expected = queries.coverage_share([found])
    data: dict[str, Any] = {"key": found.key, "title": found.title, "deadline": found.deadline.isoformat(),
            "confirmed": confirmed, "expected": expected,
            "percent": round(100 * confirmed / expected, 1) if expected else None,
            "groups": [{"forvaltning": g.top.name if g.top else None, "confirmed": g.confirmed,
                        "expected": len(g.expected), "percent": g.percent,
                        "missing": [u.name for u in g.missing]} for g in groups]}
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"{found.title}: {confirmed} of {expected} units confirmed")
    for group in data["groups"]:
        missing = ", ".join(group["missing"]) or "-"
        click.echo(f"  {group['forvaltning'] or '(no administration)'}: {group['confirmed']}/{group['expected']} "
                   f"({group['percent']} %); missing: {missing}")


@apt_group.command("announce")
@click.argument("material")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def announce_command(material: str, as_json: bool) -> None:
    """Queue the APT mail to the managers in the audience who have not had it yet."""
    found = _material(material)
    queued = announce.announce(found, utcnow())
    db.session.commit()
    click.echo(json.dumps({"key": found.key, "queued": queued}) if as_json else f"{queued} mails queued")
