"""CSV and XLSX exports of what a page shows, stating when the data is from.

CSV is written the way Swedish Excel reads it (UTF-8 with BOM, semicolons, CRLF).
Cells starting with = + - @ (or a tab / carriage return) are prefixed with an
apostrophe, so a name like "=HYPERLINK(…)" is shown as text, never run as a formula.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook

from main.cells import safe_cell

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def neutralise(value):
    """Text that a spreadsheet would take for a formula becomes plain text (see main.cells)."""
    return safe_cell(value)


def _preamble(title: str, data_time: datetime | None, data_label: str) -> list[list]:
    stamp = data_time.strftime("%Y-%m-%d %H:%M") if data_time else ""
    return [[neutralise(title)], [data_label, stamp], []]


def to_csv(title: str, data_time: datetime | None, headers: list[str], rows: list[list],
           data_label: str = "Uppgifter per") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for line in _preamble(title, data_time, data_label) + [headers]:
        writer.writerow([neutralise(c) for c in line])
    for row in rows:
        writer.writerow([neutralise(c.isoformat() if isinstance(c, (date, datetime)) else
                                    "" if c is None else c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, data_time: datetime | None, headers: list[str], rows: list[list],
            data_label: str = "Uppgifter per") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_name(title))
    for line in _preamble(title, data_time, data_label) + [headers]:
        sheet.append([neutralise(c) for c in line])
    for row in rows:
        sheet.append([_xlsx_cell(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    return neutralise(value)


def _sheet_name(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return (cleaned or "Export")[:31]


def response(fmt: str, filename: str, title: str, data_time: datetime | None, headers: list[str],
             rows: list[list]) -> Response:
    """A download of the table in `fmt` ("csv" or "xlsx")."""
    body = (to_xlsx if fmt == "xlsx" else to_csv)(title, data_time, headers, rows)
    resp = Response(body, content_type=MIMETYPES[fmt])  # mimetype= would add a second charset
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp
