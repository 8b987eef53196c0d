"""Admin pages for importing LMS reports: upload, dry-run preview, confirm, the list of
imports with their problem rows (on screen and as CSV), and undo."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

import audit
from auth.access import requires
from extensions import db
from lms import importer, previews, queries
from lms import operations as lms_operations
from lms.forms import ConfirmForm, UploadForm
from lms.labels import FILE_ERRORS
from main.forms import ActionForm, require_action
from main.i18n import fmt_number
from models import ImportBatch, utcnow
from training import exports, operations

bp = Blueprint("training_import", __name__, url_prefix="/admin/training")

REASONS = {
    "no_identifier": _l("saknar anställningsnummer, användarnamn och e-post"),
    "unknown_status": _l("okänd status"),
    "unknown_course": _l("okänd kurs"),
    "other_course": _l("annan kurs än den valda"),
    "no_version": _l("ingen version av kursen var publicerad då"),
    "missing_date": _l("genomförd men utan datum"),
    "bad_date": _l("datumet går inte att läsa"),
    "future_date": _l("datumet ligger i framtiden"),
    "old_date": _l("orimligt datum"),
    "unmatched": _l("ingen person matchar"),
    "ambiguous": _l("flera personer matchar"),
    "duplicate": _l("upprepar en tidigare rad i filen"),
}


def problem_reason(problem: dict) -> str:
    text = str(REASONS.get(problem["code"], problem["code"]))
    return f"{text}: {problem['value']}" if problem.get("value") else text


def _choices(form: UploadForm) -> None:
    form.course.choices = [(0, _("Enligt kolumnen Kurs i filen"))] + [
        (c.id, c.name) for c in queries.courses()]
    form.mapping.choices = [(0, _("Ingen (känn igen rubrikerna)"))] + [
        (m.id, m.name) for m in queries.mappings()]


def _run(data: bytes, meta: dict, dry_run: bool) -> importer.ImportResult:
    mapping = queries.mapping_by_id(meta.get("mapping_id"))
    course = queries.course_by_id(meta.get("course_id"))
    return importer.import_file(
        data, meta["filename"], course=course, mapping=mapping.columns if mapping else None,
        mapping_id=mapping.id if mapping else None, dry_run=dry_run, strict=meta["strict"], actor=current_user,
        source="web", now=utcnow(),
    )


@bp.route("/import", methods=["GET", "POST"])
@requires("admin")
def upload():
    try:
        form = UploadForm()
        _choices(form)
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = UploadForm(formdata=None)
        _choices(form)
        form.file.errors = [_("Filen är större än %(mb)s MB.", mb=current_app.config["MAX_CONTENT_LENGTH"] // 2**20)]
        return render_template("training/import_upload.html", form=form), 413
    if not valid:
        return render_template("training/import_upload.html", form=form), 400 if request.method == "POST" else 200
    data = form.file.data.read()
    meta = {"filename": (form.file.data.filename or "rapport")[:300], "course_id": form.course.data or None,
            "mapping_id": form.mapping.data or None, "strict": bool(form.strict.data)}
    result = _run(data, meta, dry_run=True)
    db.session.rollback()
    if result.error is not None:
        form.file.errors = [str(FILE_ERRORS.get(result.error.code, result.error))]
        return render_template("training/import_upload.html", form=form), 400
    token = previews.store(data, meta, utcnow())
    return render_template("training/import_preview.html", result=result, meta=meta, token=token,
                           form=ConfirmForm(token=token), reason=problem_reason,
                           earlier=importer.imports_of(result.sha256))


def _stored(token: str) -> tuple[bytes, dict]:
    return previews.load(token, utcnow()) or abort(404)


@bp.post("/import/confirm")
@requires("admin")
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    stored = previews.load(form.token.data, utcnow())
    if stored is None:
        flash(_("Förhandsgranskningen finns inte längre (den sparas i %(n)s timmar). Ladda upp filen igen.",
                n=current_app.config["TRAINING_PREVIEW_HOURS"]), "error")
        return redirect(url_for("training_import.upload"))
    data, meta = stored
    result = _run(data, meta, dry_run=False)
    if not result.ok:
        db.session.rollback()
        flash(_("Strikt läge: filen har rader med problem, så ingenting importerades."), "error")
        return redirect(url_for("training_import.upload"))
    db.session.commit()
    previews.discard(form.token.data)
    lms_operations.announce(result.person_ids, result.batch_id)
    flash(_("Importen är klar: %(n)s nya rader.", n=fmt_number(result.imported)), "success")
    return redirect(url_for("training_import.batch", batch_id=result.batch_id))


@bp.get("/import/preview/<token>/problems.csv")
@requires("admin")
def preview_problems(token: str):
    data, meta = _stored(token)
    result = _run(data, meta, dry_run=True)
    db.session.rollback()
    response = _problems_csv(result.problems, meta["filename"], "forhandsgranskning")
    audit.record("training.import.problems_export", "import", None, {"file": meta["filename"][:200],
                                                                     "rows": len(result.problems)})
    return response


@bp.get("/imports")
@requires("admin")
def batches():
    rows = queries.recent_batches()
    newest = next((b.id for b in rows if b.status == "imported"), None)
    return render_template("training/import_list.html", batches=rows, newest=newest, form=ActionForm())


@bp.get("/imports/<int:batch_id>")
@requires("admin")
def batch(batch_id: int):
    row = db.get_or_404(ImportBatch, batch_id)
    audit.record("training.import.view", "import", row.id, commit=False)  # problem rows name people
    page = render_template("training/import_batch.html", batch=row, reason=problem_reason,
                           undoable=operations.undoable(row), form=ActionForm())
    db.session.commit()
    return page


@bp.get("/imports/<int:batch_id>/problems.csv")
@requires("admin")
def batch_problems(batch_id: int):
    row = db.get_or_404(ImportBatch, batch_id)
    response = _problems_csv(row.problems or [], row.filename, f"import-{row.id}")
    audit.record("training.import.problems_export", "import", row.id, {"rows": len(row.problems or [])})
    return response


def _problems_csv(problems: list[dict], filename: str, name: str):
    kinds = {"unmatched": _("Ingen träff"), "ambiguous": _("Flera träffar"), "duplicate": _("Dubblett"),
             "invalid": _("Ogiltig")}
    headers = [_("Rad"), _("Problem"), _("Orsak"), _("Identitet i filen"), _("Namn i filen"), _("Kurs i filen")]
    rows = [[p["row"], kinds.get(p["kind"], p["kind"]), problem_reason(p), p.get("identifier", ""),
             p.get("name", ""), p.get("course", "")] for p in problems]
    return exports.response("csv", f"problemrader-{name}", _("Problemrader i %(file)s", file=filename), utcnow(),
                            headers, rows)


@bp.post("/imports/<int:batch_id>/undo")
@requires("admin")
def undo(batch_id: int):
    row = db.get_or_404(ImportBatch, batch_id)
    require_action()
    people = operations.batch_people(row)
    try:
        removed = operations.undo_import(row, current_user, utcnow())
    except operations.TrainingError:
        db.session.rollback()
        flash(_("Bara den senaste importen som gäller kan ångras."), "error")
        return redirect(url_for("training_import.batch", batch_id=row.id))
    db.session.commit()
    lms_operations.announce(people, row.id)
    flash(_("Importen är ångrad; %(n)s rader togs bort.", n=fmt_number(removed)), "success")
    return redirect(url_for("training_import.batch", batch_id=row.id))
