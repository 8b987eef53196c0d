"""The follow-up report as of a chosen date: a printable page and DOCX/PDF downloads."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

import audit
from auth.access import requires
from extensions import db
from followup import document
from followup import report as followup_report
from followup.blueprint import bp
from main.i18n import local_tz
from models import AuditReport, utcnow

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _as_of() -> tuple[date, str | None]:
    """The chosen date (?datum=YYYY-MM-DD), today if none; an error text for a bad one."""
    today = utcnow().astimezone(local_tz()).date()
    raw = (request.args.get("datum") or "").strip()
    if not raw:
        return today, None
    try:
        chosen = date.fromisoformat(raw)
    except ValueError:
        return today, _("Ange datumet som ÅÅÅÅ-MM-DD. Rapporten visas per i dag.")
    if not 2000 <= chosen.year <= 2100:
        return today, _("Ange ett datum mellan år 2000 och 2100. Rapporten visas per i dag.")
    return chosen, None


@bp.get("/rapporter/<int:report_id>/uppfoljning")
@requires("admin")
def followup_page(report_id: int):
    audit_report = db.get_or_404(AuditReport, report_id)
    as_of, error = _as_of()
    data = followup_report.build(audit_report, as_of)
    audit.record("followup.report.view", "followup_report", audit_report.id, {"as_of": as_of.isoformat()})
    return render_template("followup/followup_report.html", data=data, error=error,
                           awareness_blocks=document.awareness_blocks), 400 if error else 200


@bp.get("/rapporter/<int:report_id>/uppfoljning.<fmt>")
@requires("admin")
def followup_export(report_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    audit_report = db.get_or_404(AuditReport, report_id)
    as_of, error = _as_of()
    if error:
        abort(400)
    data = followup_report.build(audit_report, as_of)
    content = document.to_docx(data) if fmt == "docx" else document.to_pdf(data)
    audit.record("followup.report.export", "followup_report", audit_report.id,
                 {"as_of": as_of.isoformat(), "format": fmt})
    name = f"uppfoljning-{audit_report.id}-{as_of.isoformat()}.{fmt}"
    return Response(content, mimetype=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"})
