"""Boards (nämnder): which förvaltningar report to which board, and each board's yearly
report on the mandatory course, from the KPI snapshots."""
from __future__ import annotations

from datetime import date

from babel.dates import get_month_names
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

import audit
from auth.access import requires
from extensions import db
from followup import boards
from followup.blueprint import bp, show_error
from followup.forms import BoardForm
from followup.operations import FollowupError
from main.forms import ActionForm, require_action
from models import Board


@bp.get("/namnder")
@requires("admin")
def boards_page():
    linked = {u.id for b in boards.boards() for u in b.units}
    unlinked = [u for u in boards.top_units() if u.id not in linked]
    return render_template("followup/boards.html", boards=boards.boards(), unlinked=unlinked, button=ActionForm(),
                           years=boards.report_years())


def _board_form(form: BoardForm, board: Board | None) -> BoardForm:
    units = boards.top_units()
    if board is not None:
        units += [u for u in board.units if u not in units]
    form.unit_ids.choices = [(u.id, u.name) for u in units]
    months = get_month_names("wide", locale=get_locale())
    form.report_month.choices = [(0, _("– ingen –"))] + [(m, months[m]) for m in range(1, 13)]
    return form


@bp.route("/namnder/ny", methods=["GET", "POST"])
@requires("admin")
def new_board():
    return _save_board(_board_form(BoardForm(), None), None)


@bp.route("/namnder/<int:board_id>/andra", methods=["GET", "POST"])
@requires("admin")
def edit_board(board_id: int):
    board = db.get_or_404(Board, board_id)
    form = _board_form(BoardForm(obj=board), board)
    if request.method == "GET":
        form.unit_ids.data = [u.id for u in board.units]
        form.report_month.data = board.report_month or 0
    return _save_board(form, board)


def _save_board(form: BoardForm, board: Board | None):
    if request.method == "GET":
        return render_template("followup/board_form.html", form=form, board=board)
    if form.validate_on_submit():
        try:
            boards.save_board(form.name.data, form.unit_ids.data or [], form.report_month.data or None, board)
            db.session.commit()
            flash(_("Nämnden är sparad."), "success")
            return redirect(url_for("followup.boards_page"))
        except FollowupError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("followup/board_form.html", form=form, board=board), 400


@bp.post("/namnder/<int:board_id>/ta-bort")
@requires("admin")
def delete_board(board_id: int):
    board = db.get_or_404(Board, board_id)
    require_action()
    boards.delete_board(board)
    db.session.commit()
    flash(_("Nämnden är borttagen."), "success")
    return redirect(url_for("followup.boards_page"))


@bp.get("/namnder/<int:board_id>/rapport")
@requires("admin")
def board_report(board_id: int):
    board = db.get_or_404(Board, board_id)
    years = boards.report_years()
    year = request.args.get("year", type=int) or (years[0] if years else date.today().year)
    if not 2000 <= year <= 2100:
        abort(404)
    data = boards.board_report(board, year)
    audit.record("followup.board_report.view", "followup_board", board.id, {"year": year})
    latest = None
    if data.report is not None and data.report.has_data:
        latest = max(q for q, d in enumerate(data.report.days) if d)
    return render_template("followup/board_report.html", board=board, data=data, years=years, year=year,
                           latest=latest)
