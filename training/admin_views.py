"""Admin pages for setting training up: courses and versions, and requirements
(column mappings and API tokens are in `lms.admin_views`)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from auth.access import requires
from extensions import db
from main.forms import ActionForm
from models import Requirement
from training import operations, setup_queries
from training.forms import CourseForm, RequirementForm, VersionForm
from training.labels import error_text

bp = Blueprint("training_admin", __name__, url_prefix="/admin/training")

def _course_choices(form_field) -> None:
    form_field.choices = [(c.id, c.name) for c in setup_queries.courses()]


@bp.get("")
@requires("admin")
def overview():
    course_form, version_form = CourseForm(formdata=None), VersionForm(formdata=None)
    _course_choices(version_form.course)
    return _overview(course_form, version_form)


def _overview(course_form, version_form, status: int = 200):
    return render_template(
        "training/admin.html", courses=setup_queries.courses(order_by="code"),
        requirements=setup_queries.requirements(), last_import=setup_queries.last_import(),
        course_form=course_form, version_form=version_form, action_form=ActionForm(),
    ), status


@bp.post("/courses")
@requires("admin")
def save_course():
    form, version_form = CourseForm(), VersionForm(formdata=None)
    _course_choices(version_form.course)
    if not form.validate_on_submit():
        return _overview(form, version_form, 400)
    try:
        outcome = operations.ensure_course(form.code.data, form.name.data, form.url.data or "",
                                           form.duration_minutes.data or 0)
    except operations.TrainingError as exc:
        db.session.rollback()
        form.code.errors = [error_text(exc)]
        return _overview(form, version_form, 400)
    db.session.commit()
    flash(_("Kursen %(code)s är sparad.", code=outcome.obj.code), "success")
    return redirect(url_for("training_admin.overview"))


@bp.post("/versions")
@requires("admin")
def save_version():
    course_form, form = CourseForm(formdata=None), VersionForm()
    _course_choices(form.course)
    if not form.validate_on_submit():
        return _overview(course_form, form, 400)
    course = setup_queries.course(form.course.data) or abort(400)
    try:
        operations.ensure_version(course, form.name.data, form.published_on.data, form.lms_name.data or None)
    except operations.TrainingError as exc:
        db.session.rollback()
        form.lms_name.errors = [error_text(exc)]
        return _overview(course_form, form, 400)
    db.session.commit()
    flash(_("Versionen %(name)s är sparad.", name=form.name.data), "success")
    return redirect(url_for("training_admin.overview"))


def _requirement_choices(form: RequirementForm) -> None:
    _course_choices(form.course)
    form.units.choices = [(u.id, f"{'– ' * u.level}{u.name}") for u in setup_queries.units_in_tree_order()]
    form.current_version.choices = [(0, _("Alla versioner gäller"))] + [(v.id, v.name) for v in setup_queries.versions()]


@bp.route("/requirements/new", methods=["GET", "POST"])
@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@requires("admin")
def requirement(requirement_id: int | None = None):
    existing = db.get_or_404(Requirement, requirement_id) if requirement_id else None
    form = RequirementForm(obj=existing if request.method == "GET" else None)
    _requirement_choices(form)
    if request.method == "GET" and existing is not None:
        form.course.data, form.units.data = existing.course_id, [u.id for u in existing.units]
        form.current_version.data = existing.current_version_id or 0
    if not form.validate_on_submit():
        return render_template("training/requirement.html", form=form, existing=existing), \
            400 if request.method == "POST" else 200
    course = setup_queries.course(form.course.data) or abort(400)
    spec = operations.RequirementSpec(
        name=form.name.data, due_on=form.due_on.data, audience=form.audience.data,
        unit_ids=tuple(form.units.data or ()), new_starter_days=form.new_starter_days.data,
        renewal_months=form.renewal_months.data, current_version_id=form.current_version.data or None,
        transition_on=form.transition_on.data, active=form.active.data,
    )
    try:
        operations.save_requirement(course, spec, existing)
    except operations.TrainingError as exc:
        db.session.rollback()
        form.name.errors = [error_text(exc)]
        return render_template("training/requirement.html", form=form, existing=existing), 400
    db.session.commit()
    flash(_("Kravet %(name)s är sparat.", name=spec.name), "success")
    return redirect(url_for("training_admin.overview"))
