"""Admin pages for the LMS integration: saved column mappings and API tokens."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import requires
from extensions import db
from lms import operations, queries, tokens
from lms.forms import MappingForm, TokenForm
from main.forms import ActionForm, require_action
from models import ApiToken, ColumnMapping, utcnow

bp = Blueprint("lms_admin", __name__, url_prefix="/admin/training")


@bp.route("/mappings", methods=["GET", "POST"])
@requires("admin")
def mappings():
    form = MappingForm()
    if form.validate_on_submit():
        mapping = operations.save_mapping(form.name.data, form.columns(), current_user)
        db.session.commit()
        flash(_("Mappningen %(name)s är sparad.", name=mapping.name), "success")
        return redirect(url_for("lms_admin.mappings"))
    return render_template("training/mappings.html", form=form, mappings=queries.mappings(),
                           action_form=ActionForm()), 400 if request.method == "POST" else 200


@bp.post("/mappings/<int:mapping_id>/delete")
@requires("admin")
def delete_mapping(mapping_id: int):
    mapping = db.get_or_404(ColumnMapping, mapping_id)
    require_action()
    operations.delete_mapping(mapping)
    db.session.commit()
    flash(_("Mappningen är borttagen."), "success")
    return redirect(url_for("lms_admin.mappings"))


@bp.route("/tokens", methods=["GET", "POST"])
@requires("admin")
def api_tokens():
    form, new_token = TokenForm(), None
    if form.validate_on_submit():
        try:
            _row, new_token = tokens.create_token(form.name.data, current_user)
            db.session.commit()
        except ValueError:
            db.session.rollback()
            form.name.errors = [_("Det finns redan en nyckel med det namnet.")]
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template("training/tokens.html", form=form, tokens=queries.api_tokens(), new_token=new_token,
                           action_form=ActionForm()), status


@bp.post("/tokens/<int:token_id>/revoke")
@requires("admin")
def revoke_token(token_id: int):
    row = db.get_or_404(ApiToken, token_id)
    require_action()
    tokens.revoke_token(row, current_user, utcnow())
    db.session.commit()
    flash(_("Nyckeln %(name)s är återkallad.", name=row.name), "success")
    return redirect(url_for("lms_admin.api_tokens"))
