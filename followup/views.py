"""Pages for audit reports, recommendations and actions (with evidence, comments and
history). Admins only: the security unit keeps the answer to the auditors."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

import audit
from auth.access import requires
from extensions import db
from followup import operations as ops
from followup import labels, queries, uploads
from followup.blueprint import bp, show_error
from followup.forms import (ActionEditForm, AuditReportForm, CommentForm, EvidenceForm,
                            RecommendationForm)
from main.forms import ActionForm, require_action
from models import Action, AuditReport, Evidence, Recommendation, utcnow


@bp.get("/")
@requires("admin")
def overview():
    return render_template("followup/overview.html", reports=queries.reports())


def _report_data(form: AuditReportForm) -> ops.ReportData:
    return ops.ReportData(form.title.data, form.auditor.data or "", form.issued_on.data, form.answer_due_on.data,
                          form.summary.data or "")


@bp.route("/rapporter/ny", methods=["GET", "POST"])
@requires("admin")
def new_report():
    return _save_report(AuditReportForm(), None)


@bp.route("/rapporter/<int:report_id>/andra", methods=["GET", "POST"])
@requires("admin")
def edit_report(report_id: int):
    report = db.get_or_404(AuditReport, report_id)
    return _save_report(AuditReportForm(obj=report), report)


def _save_report(form: AuditReportForm, report: AuditReport | None):
    if request.method == "GET":
        return render_template("followup/report_form.html", form=form, report=report)
    if form.validate_on_submit():
        try:
            saved = ops.save_report(_report_data(form), report)
            db.session.commit()
            flash(_("Granskningsrapporten är sparad."), "success")
            return redirect(url_for("followup.report", report_id=saved.id))
        except ops.FollowupError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("followup/report_form.html", form=form, report=report), 400


@bp.get("/rapporter/<int:report_id>")
@requires("admin")
def report(report_id: int):
    report = db.get_or_404(AuditReport, report_id)
    actions = {r.id: queries.actions_of(r) for r in report.recommendations}
    return render_template("followup/report.html", report=report, actions=actions)


@bp.route("/rapporter/<int:report_id>/rekommendationer/ny", methods=["GET", "POST"])
@requires("admin")
def new_recommendation(report_id: int):
    report = db.get_or_404(AuditReport, report_id)
    form = RecommendationForm()
    if request.method == "GET":
        form.number.data = len(report.recommendations) + 1
    return _save_recommendation(form, report, None)


@bp.route("/rekommendationer/<int:recommendation_id>/andra", methods=["GET", "POST"])
@requires("admin")
def edit_recommendation(recommendation_id: int):
    rec = db.get_or_404(Recommendation, recommendation_id)
    return _save_recommendation(RecommendationForm(obj=rec), rec.report, rec)


def _save_recommendation(form, report: AuditReport, rec: Recommendation | None):
    if request.method == "GET":
        return render_template("followup/recommendation_form.html", form=form, report=report, rec=rec)
    if form.validate_on_submit():
        try:
            ops.save_recommendation(report, form.number.data, form.text.data, form.remarks.data or "",
                                    current_user, utcnow(), rec)
            db.session.commit()
            flash(_("Rekommendationen är sparad."), "success")
            return redirect(url_for("followup.report", report_id=report.id))
        except ops.FollowupError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("followup/recommendation_form.html", form=form, report=report, rec=rec), 400


def _action_form(form: ActionEditForm, action: Action | None = None) -> ActionEditForm:
    form.owner_id.choices = queries.owner_choices(action.owner_id if action else None)
    return form


def _action_data(form: ActionEditForm) -> ops.ActionData:
    return ops.ActionData(form.title.data, form.description.data or "", form.owner_id.data or None,
                          form.due_on.data, form.status.data, form.postponed_reason.data or "")


@bp.route("/rekommendationer/<int:recommendation_id>/atgarder/ny", methods=["GET", "POST"])
@requires("admin")
def new_action(recommendation_id: int):
    rec = db.get_or_404(Recommendation, recommendation_id)
    form = _action_form(ActionEditForm())
    if request.method == "GET":
        return render_template("followup/action_form.html", form=form, rec=rec, action=None)
    if form.validate_on_submit():
        try:
            action = ops.create_action(rec, _action_data(form), current_user, utcnow())
            db.session.commit()
            flash(_("Åtgärden är sparad."), "success")
            return redirect(url_for("followup.action", action_id=action.id))
        except ops.FollowupError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("followup/action_form.html", form=form, rec=rec, action=None), 400


@bp.route("/atgarder/<int:action_id>/andra", methods=["GET", "POST"])
@requires("admin")
def edit_action(action_id: int):
    action = db.get_or_404(Action, action_id)
    form = _action_form(ActionEditForm(obj=action), action)
    if request.method == "GET":
        form.owner_id.data = action.owner_id or 0
        return render_template("followup/action_form.html", form=form, rec=action.recommendation, action=action)
    if form.validate_on_submit():
        try:
            changed = ops.update_action(action, _action_data(form), current_user, utcnow())
            db.session.commit()
            flash(_("Åtgärden är sparad.") if changed else _("Inget ändrades."), "success")
            return redirect(url_for("followup.action", action_id=action.id))
        except ops.FollowupError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("followup/action_form.html", form=form, rec=action.recommendation, action=action), 400


def _evidence_form(form: EvidenceForm) -> EvidenceForm:
    choices = queries.evidence_choices()
    form.activity_id.choices, form.message_id.choices = choices["activity"], choices["message"]
    form.requirement_id.choices = choices["requirement"]
    return form


def _action_page(action: Action, status: int = 200, **forms):
    forms.setdefault("comment_form", CommentForm())
    forms.setdefault("evidence_form", _evidence_form(EvidenceForm()))
    return render_template("followup/action.html", action=action, history=queries.action_history(action),
                           button=ActionForm(), max_mb=uploads.max_bytes() // (1024 * 1024), **forms), status


@bp.get("/atgarder/<int:action_id>")
@requires("admin")
def action(action_id: int):
    action = db.get_or_404(Action, action_id)
    return _action_page(action)


@bp.post("/atgarder/<int:action_id>/kommentarer")
@requires("admin")
def add_comment(action_id: int):
    action = db.get_or_404(Action, action_id)
    form = CommentForm()
    if form.validate_on_submit():
        ops.add_comment(action, form.text.data, current_user, utcnow())
        db.session.commit()
        flash(_("Kommentaren är sparad."), "success")
        return redirect(url_for("followup.action", action_id=action.id) + "#kommentarer")
    return _action_page(action, 400, comment_form=form)


def _evidence_target(form: EvidenceForm) -> tuple[int | None, str, str | None]:
    """(target id, url, stored file name) for the chosen kind; a document is checked and stored first."""
    kind = form.kind.data
    if kind == "document":
        upload = form.file.data
        name = (upload.filename if upload else "") or ""
        document = ops.upload_document(name, upload.stream if upload else io.BytesIO(), current_user, utcnow())
        return document.id, "", document.stored_name
    if kind == "url":
        return None, form.url.data or "", None
    return getattr(form, f"{kind}_id").data or None, "", None


@bp.post("/atgarder/<int:action_id>/underlag")
@requires("admin")
def add_evidence(action_id: int):
    action = db.get_or_404(Action, action_id)
    form = _evidence_form(EvidenceForm())
    if not form.validate_on_submit():
        return _action_page(action, 400, evidence_form=form)
    stored = None
    try:
        target_id, url, stored = _evidence_target(form)
        ops.add_evidence(action, form.kind.data, target_id, url, form.label.data or "", current_user, utcnow())
        db.session.commit()
    except ops.FollowupError as error:
        db.session.rollback()
        if stored:
            uploads.discard(stored)
        field = {"file": "file", "url": "url"}.get(error.field or "", f"{form.kind.data}_id")
        form[field if field in form else "kind"].errors = [
            labels.error_text(error.code, mb=uploads.max_bytes() // (1024 * 1024))]
        return _action_page(action, 400, evidence_form=form)
    flash(_("Underlaget är tillagt."), "success")
    return redirect(url_for("followup.action", action_id=action.id) + "#underlag")


@bp.post("/underlag/<int:evidence_id>/ta-bort")
@requires("admin")
def remove_evidence(evidence_id: int):
    evidence = db.get_or_404(Evidence, evidence_id)
    require_action()
    ops.remove_evidence(evidence, current_user, utcnow())
    db.session.commit()
    flash(_("Underlaget är borttaget (det finns kvar i historiken)."), "success")
    return redirect(url_for("followup.action", action_id=evidence.action_id) + "#underlag")


@bp.get("/dokument/<int:document_id>")
@requires("admin")
def document(document_id: int):
    doc = queries.document(document_id) or abort(404)
    path = uploads.path_of(doc.stored_name)
    if not path.is_file():
        abort(404)
    audit.record("followup.document.download", "followup_document", doc.id, {"name": doc.original_name})
    response = send_file(path, mimetype=uploads.CONTENT_TYPES[doc.file_type], as_attachment=True,
                         download_name=doc.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
