"""Boards (nämnder) and their förvaltningar, and the yearly report to each board: the
mandatory course's completion in the board's förvaltningar, from training's KPI snapshots
(training.snapshots.board_report, narrowed to the board's förvaltningar by unit key)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from followup.kpi_sources import requirement
from followup.operations import FollowupError
from models import Board, BoardUnit, Requirement, Unit
from training import snapshots


def boards() -> list[Board]:
    return list(db.session.scalars(select(Board).order_by(Board.name)))


def top_units() -> list[Unit]:
    """The förvaltningar: active top-level units."""
    return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None), Unit.active.is_(True))
                                   .order_by(Unit.name)))


def save_board(name: str, unit_ids: list[int], report_month: int | None, board: Board | None = None) -> Board:
    """Create or change a board; each förvaltning belongs to at most one board."""
    name = (name or "").strip()
    if not name:
        raise FollowupError("title_required", "name")
    clash = db.session.scalar(select(Board).where(Board.name == name))
    if clash is not None and clash is not board:
        raise FollowupError("duplicate_board", "name")
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))) if unit_ids else []
    if len(units) != len(set(unit_ids)) or any(u.parent_id is not None for u in units):
        raise FollowupError("not_top_unit", "unit_ids")
    taken = db.session.scalar(select(BoardUnit.unit_id).where(
        BoardUnit.unit_id.in_([u.id for u in units]), BoardUnit.board_id != (board.id if board else -1)).limit(1))
    if taken is not None:
        raise FollowupError("unit_taken", "unit_ids")
    board = board or Board()
    board.name, board.report_month, board.units = name, report_month, units
    db.session.add(board)
    db.session.flush()
    return board


def delete_board(board: Board) -> None:
    db.session.delete(board)


@dataclass
class BoardYear:
    board: Board
    requirement: Requirement | None
    report: snapshots.BoardReport | None


def board_report(board: Board, year: int) -> BoardYear:
    req = requirement()
    if req is None:
        return BoardYear(board, None, None)
    keys = {u.key for u in board.units}
    return BoardYear(board, req, snapshots.board_report(req, year, keys))


def report_years() -> list[int]:
    req = requirement()
    return snapshots.snapshot_years(req) if req is not None else []
