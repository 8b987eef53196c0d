"""Pages of the privacy package: parse, call, render."""
from __future__ import annotations

from flask import Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from auth.access import requires
from jobs.registry import get_job
from jobs.schedule import next_run
from main.i18n import local_tz
from models import utcnow
from privacy import documents, extract, operations, queries
from privacy.blueprint import bp
from privacy.forms import ExtractForm
from privacy.retention import CATEGORIES, describe_period, periods

MIMETYPES = {"pdf": "application/pdf", "json": "application/json"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/admin/gallring")
@requires("admin")
def retention():
    now = utcnow()
    amounts = periods(current_app.config)
    rows = [{"category": c, "period": describe_period(c, amounts[c.name])} for c in CATEGORIES]
    next_at = next_run(get_job("privacy.retention", current_app), now, local_tz())
    return render_template("privacy/retention.html", rows=rows, oldest=queries.oldest_held(), next_at=next_at)


@bp.route("/admin/registerutdrag", methods=["GET", "POST"])
@requires("admin")
def extract_page():
    form = ExtractForm()
    if form.validate_on_submit():
        person = extract.find_person(form.username.data)
        if person is None:
            form.username.errors = [_("Det finns ingen person med det användarnamnet.")]
        else:
            body = operations.produce_extract(person, form.format.data, utcnow())
            return _download(body, MIMETYPES[form.format.data],
                             f"registerutdrag-{person.username}.{form.format.data}")
    return render_template("privacy/extract.html", form=form), 400 if form.errors else 200


@bp.get("/admin/dataskydd")
@requires("admin")
def record():
    return render_template("privacy/record.html", blocks=documents.record_blocks(current_app.config))


@bp.get("/admin/dataskydd/registerforteckning.docx")
@requires("admin")
def record_docx():
    return _download(documents.record_docx(current_app.config), DOCX, "registerforteckning-vaksam.docx")


@bp.get("/mina-uppgifter")
@login_required
def mine():
    data = extract.build(current_user, utcnow())
    sections = [s for s in data["sections"].values() if s.get("rows") or s.get("count")]
    return render_template("privacy/mine.html", person=data["person"], sections=sections)
