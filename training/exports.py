"""CSV and XLSX exports of what a page shows, stating when the data is from.

CSV is written the way Swedish Excel reads it (UTF-8 with BOM, semicolons, CRLF).
Big tables are streamed (`streamed`): CSV batch by batch as the rows are read, XLSX built
by openpyxl's write-only mode into a temporary file and then sent in chunks, so neither
holds a 55,000-row table in memory nor waits for it before the first byte (CSV).
Cells starting with = + - @ (or a tab / carriage return) are prefixed with an
apostrophe, so a name like "=HYPERLINK(…)" is shown as text, never run as a formula.
"""
from __future__ import annotations

import csv
import io
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import IO

from flask import Response, current_app, stream_with_context
from flask_babel import gettext as _

from main.cells import safe_cell, safe_row

FORMATS = ("csv", "xlsx")
#: Seconds a user is asked to wait (Retry-After) when this worker's export slots are taken.
BUSY_RETRY_SECONDS = 10
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def neutralise(value):
    """Text that a spreadsheet would take for a formula becomes plain text (see main.cells)."""
    return safe_cell(value)


def _preamble(title: str, data_time: datetime | None, data_label: str) -> list[list]:
    stamp = data_time.strftime("%Y-%m-%d %H:%M") if data_time else ""
    return [[neutralise(title)], [data_label, stamp], []]


def _csv_line(row: list) -> list:
    return safe_row([c.isoformat() if isinstance(c, (date, datetime)) else "" if c is None else c for c in row])


def csv_chunks(title: str, data_time: datetime | None, headers: list[str], batches: Iterable[list[list]],
               data_label: str = "Uppgifter per") -> Iterator[bytes]:
    """The CSV file as byte chunks: the preamble at once, then one chunk per batch of rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    out.write("\ufeff")
    for line in _preamble(title, data_time, data_label) + [headers]:
        writer.writerow([neutralise(c) for c in line])
    yield out.getvalue().encode("utf-8")  # before the first batch is read: the download starts at once
    for batch in batches:
        out.seek(0)
        out.truncate()
        writer.writerows(_csv_line(row) for row in batch)
        yield out.getvalue().encode("utf-8")


def xlsx_file(title: str, data_time: datetime | None, headers: list[str], batches: Iterable[list[list]],
              data_label: str = "Uppgifter per") -> IO[bytes]:
    """The workbook in a temporary file (rewound; closing it deletes it)."""
    from openpyxl import Workbook  # on first use, not at app start (docs/architecture.md, decision 13)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_name(title))
    for line in _preamble(title, data_time, data_label) + [headers]:
        sheet.append([neutralise(c) for c in line])
    for batch in batches:
        for row in batch:
            sheet.append([_xlsx_cell(c) for c in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return spool


def _file_chunks(spool: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := spool.read(size):
            yield chunk
    finally:
        spool.close()


def to_csv(title: str, data_time: datetime | None, headers: list[str], rows: list[list],
           data_label: str = "Uppgifter per") -> bytes:
    return b"".join(csv_chunks(title, data_time, headers, [rows], data_label))


def to_xlsx(title: str, data_time: datetime | None, headers: list[str], rows: list[list],
            data_label: str = "Uppgifter per") -> bytes:
    with xlsx_file(title, data_time, headers, [rows], data_label) as spool:
        return spool.read()


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


def export_slot() -> Callable[[], None] | None:
    """Claim one of this worker's EXPORTS_PER_WORKER slots for a big export; returns its release
    (for `streamed`), or None when all are taken. A 55,000-row export is seconds of Python in
    one thread, and under the GIL it slows every other thread of its worker; beyond the limit a
    user gets `busy()` (503, Retry-After) at once rather than slowing everyone down."""
    slots = current_app.extensions.get("vaksam_export_slots")
    if slots is None:
        slots = current_app.extensions.setdefault(
            "vaksam_export_slots", threading.BoundedSemaphore(max(1, int(current_app.config["EXPORTS_PER_WORKER"]))))
    if not slots.acquire(blocking=False):
        return None
    released = threading.Event()

    def release() -> None:  # once, whoever gets there first (the response's close, or an error)
        if not released.is_set():
            released.set()
            slots.release()

    return release


def busy() -> Response:
    """The answer while this worker's export slots are taken: try again shortly."""
    resp = Response(_("Många exporter pågår just nu. Försök igen om en stund."), status=503,
                    content_type="text/plain; charset=utf-8")
    resp.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def streamed(fmt: str, filename: str, title: str, data_time: datetime | None, headers: list[str],
             batches: Iterable[list[list]], release: Callable[[], None] | None = None) -> Response:
    """A download of a big table, streamed (`batches` is read lazily, inside the request);
    `release` (an `export_slot`) is called when the download ends, or fails to start."""
    try:
        if fmt == "xlsx":
            body: Iterator[bytes] = _file_chunks(xlsx_file(title, data_time, headers, batches))
        else:
            body = stream_with_context(csv_chunks(title, data_time, headers, batches))
        resp = Response(body, content_type=MIMETYPES[fmt])  # mimetype= would add a second charset
    except BaseException:
        if release:
            release()
        raise
    if release:
        resp.call_on_close(release)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp
