"""`flask --app app followup …`: the standard KPIs, recording KPI values, and the follow-up
report as DOCX or PDF. Thin wrappers over followup.kpis and followup.report; `--json`
prints one object for scripts."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from extensions import db
from followup import document, kpis, report
from followup.quarters import is_quarter_end
from models import AuditReport, utcnow

followup = AppGroup("followup", help="Audit follow-up: KPIs and the follow-up report.")


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


@followup.command("kpis-setup")
@click.option("--json", "as_json", is_flag=True)
def kpis_setup(as_json):
    """Create the standard KPIs that are missing."""
    added = kpis.ensure_standard_kpis()
    db.session.commit()
    click.echo(json.dumps({"added": added}) if as_json else f"{added} KPIs added")


@followup.command("kpis-record")
@click.option("--quarter", default=None, help="Last day of the quarter (YYYY-MM-DD); default: the latest ended.")
@click.option("--json", "as_json", is_flag=True)
def kpis_record(quarter, as_json):
    """Compute and save the computed KPIs for a quarter (replacing that quarter's computed values)."""
    now = utcnow()
    day = _date(quarter, "--quarter") or kpis.due_quarter(now)
    if not is_quarter_end(day):
        raise click.ClickException(f"{day} is not the last day of a quarter")
    kpis.ensure_standard_kpis()
    recorded = {}
    for kpi in kpis.kpis():
        if kpi.source:
            row = kpis.record_computed(kpi, day, now)
            recorded[kpi.source] = row.value if row is not None else None
    db.session.commit()
    click.echo(json.dumps({"quarter": day.isoformat(), "values": recorded}) if as_json
               else "\n".join(f"{day} {k}: {v}" for k, v in recorded.items()))


@followup.command("report")
@click.argument("title")
@click.option("--as-of", "as_of", default=None, help="Date of the report (YYYY-MM-DD); default today.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), default="pdf")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True)
def report_command(title, as_of, fmt, output, as_json):
    """Write the follow-up report of the audit report TITLE as of a date."""
    audit = db.session.scalar(select(AuditReport).where(AuditReport.title == title))
    if audit is None:
        raise click.ClickException(f"No audit report titled {title!r}")
    day = _date(as_of, "--as-of") or utcnow().date()
    with force_locale("sv"):  # no request here: the report is in Swedish
        data = report.build(audit, day)
        content = document.to_docx(data) if fmt == "docx" else document.to_pdf(data)
    output.write_bytes(content)
    click.echo(json.dumps({"output": str(output), "bytes": len(content), "as_of": day.isoformat()}) if as_json
               else f"wrote {output} ({len(content)} bytes)")
