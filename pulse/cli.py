"""`flask --app app pulse …`: the pulses and their results, for an admin at a terminal or a script.

Results are the same as the results page's: units below PULSE_MIN_GROUP answers are merged
(pulse/grouping.py), so the CLI shows nothing the page does not. `--json` prints one object.
"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from extensions import db
from main.i18n import local_tz
from models import utcnow
from models.pulse import Pulse
from pulse import queries, results, rules

pulse_group = AppGroup("pulse", help="Pulse quizzes (awareness surveys): list them and show their results.")


@pulse_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def list_command(as_json: bool) -> None:
    """Every pulse, newest first: its days, state, how many were asked and have answered."""
    today = utcnow().astimezone(local_tz()).date()
    rows = []
    for pulse in queries.pulses():
        asked, answered = queries.response_counts(pulse.id)
        rows.append({"id": pulse.id, "title": pulse.title_sv, "opens_on": pulse.opens_on.isoformat(),
                     "closes_on": pulse.closes_on.isoformat(),
                     "state": rules.state(pulse.opens_on, pulse.closes_on, today), "asked": asked,
                     "answered": answered})
    if as_json:
        click.echo(json.dumps({"pulses": rows}, ensure_ascii=False))
        return
    if not rows:
        click.echo("no pulses")
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['state']:<7} {row['opens_on']}..{row['closes_on']}  "
                   f"{row['answered']}/{row['asked']} answered  {row['title']}")


@pulse_group.command("results")
@click.argument("pulse_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def results_command(pulse_id: int, as_json: bool) -> None:
    """Per question the share right (or the mean of a scale), for the region and each unit with enough answers."""
    pulse = db.session.get(Pulse, pulse_id)
    if pulse is None:
        raise click.ClickException(f"no pulse with id {pulse_id} (see 'flask --app app pulse list')")
    rows = results.report(pulse, "Whole region", "Others in %(unit)s") if pulse.questions else []
    data = {"id": pulse.id, "title": pulse.title_sv, "region_share_right": results.region_share_right(pulse),
            "questions": [{"position": q.position, "key": q.key, "kind": q.kind, "text": q.text_sv}
                          for q in pulse.questions],
            "rows": [{"unit": r.label, "depth": r.depth, "answers": r.answers,
                      "values": [q.value for q in r.questions],
                      "distributions": [q.distribution for q in r.questions]} for r in rows]}
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    if not rows or not rows[0].answers:
        click.echo(f"{pulse.title_sv}: no answers yet")
        return
    click.echo(f"{pulse.title_sv}: region share right {data['region_share_right']} %")
    for question in pulse.questions:
        unit = "% right" if question.kind == "choice" else "mean 1-5"
        click.echo(f"  Q{question.position} [{question.key}] ({unit}): {question.text_sv}")
    for row in rows:
        values = "  ".join("-" if q.value is None else str(q.value) for q in row.questions)
        click.echo(f"{'  ' * row.depth}{row.label} ({row.answers} answers): {values}")
