"""Reading an LMS report file into rows without trusting it: CSV and XLSX are streamed
row by row, only the columns the import uses are kept, and the declared size of a
workbook (its `<dimension>`) is never looked at. A file with more than
TRAINING_IMPORT_MAX_ROWS data rows or more than `MAX_COLUMNS` columns is refused with a
`FileError` before it can take much memory or time.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lms.files import (
    FIELDS,
    HEADER_FIELD,
    FileError,
    find_columns,
    normalise_header,
)

MAX_COLUMNS = 100
#: The header row must be among the first rows (titles and blank lines may come before it).
HEADER_ROWS = 10
#: Any part of a workbook that openpyxl reads whole (shared strings, styles) may unpack to at most this.
XLSX_PART_LIMIT = 64 * 1024 * 1024
#: More separators than Excel has columns on one line is not a report (and would be one huge list).
_LINE_SEPARATOR_LIMIT = 20_000
_DELIMITERS = (";", ",", "\t")
_MAGIC = [(b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"), (b"BM", None),
          (b"%PDF", "a PDF"), (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) file")]

Records = Iterator[tuple[int, list]]


@dataclass
class Table:
    headers: list[str]
    #: {field: column index in the file} for the columns found.
    columns: dict[str, int]
    #: (spreadsheet row number, cells in `lms.files.FIELDS` order, None for an absent field) per non-empty row.
    rows: list[tuple[int, list]] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    delimiter: str = ""


def read_table(data: bytes, extra_headers: frozenset[str] = frozenset(),
               pick: Callable[[list[str]], dict[str, int]] | None = None, max_rows: int = 200_000) -> Table:
    """Decode the file into rows; refuses empty, binary, image, oversized and unreadable files.

    `extra_headers` (normalised) also mark the header row (a saved mapping's headers); `pick`
    maps the header row to {field: column} (default: the built-in header names).
    """
    pick = pick or (lambda headers: find_columns(headers, None, course_given=True))
    if not data or not data.strip():
        raise FileError("empty", "The file is empty.")
    if data[:4] == b"PK\x03\x04":
        return _collect(_xlsx_records(data, max_rows), extra_headers, pick, max_rows, Table([], {}, format="xlsx"))
    for magic, what in _MAGIC:
        if data.startswith(magic) and (what or b"\x00" in data[:64]):
            raise FileError("not_a_report", f"The file is {what or 'an image'}, not an LMS report (CSV or XLSX).")
    encoding, errors = _encoding(data)
    head = data[:65536].decode(encoding, errors="ignore")
    delimiter = _delimiter(head, extra_headers)
    table = Table([], {}, format="csv", encoding="windows-1252" if encoding == "cp1252" else encoding,
                  delimiter=delimiter)
    return _collect(_csv_records(data, encoding, errors, delimiter), extra_headers, pick, max_rows, table)


def _encoding(data: bytes) -> tuple[str, str]:
    """(codec, errors) for the text: UTF-16 or UTF-8 by BOM, UTF-8 if valid, else Windows-1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16", "strict"
    if b"\x00" in data[:8192]:
        raise FileError("not_a_report", "The file is binary, not an LMS report (CSV or XLSX).")
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "replace"
    decoder, view = codecs.getincrementaldecoder("utf-8")(), memoryview(data)
    try:  # in slices: the whole file as text at once would double the memory it takes
        for start in range(0, len(data), 1 << 20):
            decoder.decode(view[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252", "replace"
    return "utf-8", "strict"


def _delimiter(head: str, extra: frozenset[str]) -> str:
    """The separator that makes a header row of known column names, wherever that row is
    among the first lines (a title such as "Rapport: Säkert Beteende, uttag 2026-12-02"
    may come first); else the commonest separator of the first line."""
    lines = head.lstrip("\ufeff").splitlines()[:HEADER_ROWS]
    for line in lines:
        best, score = "", 1
        for delimiter in _DELIMITERS:
            names = {normalise_header(c) for c in next(csv.reader([line], delimiter=delimiter), [])}
            known = len(({HEADER_FIELD.get(n) for n in names} - {None}) | (names & extra))
            if known > score:
                best, score = delimiter, known
        if best:
            return best
    first = lines[0] if lines else ""
    counts = {d: first.count(d) for d in _DELIMITERS}
    chosen = max(counts, key=lambda d: counts[d])
    return chosen if counts[chosen] else ";"


def _csv_records(data: bytes, encoding: str, errors: str, delimiter: str) -> Records:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors, newline="")
    try:
        yield from enumerate(csv.reader(_guarded(stream, delimiter), delimiter=delimiter), start=1)
    except csv.Error as exc:
        raise FileError("not_a_report", f"The file cannot be read as CSV: {exc}.") from exc
    except UnicodeDecodeError as exc:
        raise FileError("not_a_report", "The file's text is not in a known encoding.") from exc


def _guarded(lines: Iterator[str], delimiter: str) -> Iterator[str]:
    for line in lines:
        if line.count(delimiter) > _LINE_SEPARATOR_LIMIT:
            raise _too_many_columns()
        yield line


def _xlsx_records(data: bytes, max_rows: int) -> Records:
    """(row number, values) per `<row>` of the first sheet, streamed; openpyxl's read-only
    workbook would parse every sheet once just to size it when `<dimension>` is missing."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileError("bad_xlsx", "The XLSX file cannot be read (a damaged ZIP archive).") from exc
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise FileError("not_a_report", "The file is a ZIP archive, not an XLSX workbook.")
    if any(i.file_size > XLSX_PART_LIMIT and not i.filename.startswith("xl/worksheets/") for i in infos):
        raise FileError("too_large", "A part of the workbook unpacks to more than "
                        f"{XLSX_PART_LIMIT // 2**20} MB; save it again or as CSV.")
    parsed = 0
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        _sheet, rel = next(iter(reader.parser.find_sheets()))
        with reader.archive.open(rel.target) as source:
            parser = WorkSheetParser(source, reader.shared_strings, data_only=True, epoch=reader.wb.epoch,
                                     date_formats=reader.wb._date_formats,
                                     timedelta_formats=reader.wb._timedelta_formats)
            for number, cells in parser.parse():
                parsed += 1  # empty <row/> elements count too: each one is kept by the XML parser
                if parsed > max_rows + HEADER_ROWS:
                    raise _too_many_rows(max_rows)
                yield number, _values(cells)
    except FileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileError("bad_xlsx", f"The XLSX file cannot be read ({type(exc).__name__}).") from exc


def _values(cells: list[dict]) -> list:
    present = [c for c in cells if c["value"] is not None]
    width = max((c["column"] for c in present), default=0)
    if width > MAX_COLUMNS:
        raise _too_many_columns()
    values: list = [None] * width
    for cell in present:
        values[cell["column"] - 1] = cell["value"]
    return values


def _collect(records: Records, extra: frozenset[str], pick, max_rows: int, table: Table) -> Table:
    """Find the header row (the first of the first ten rows naming known columns), then keep
    only the picked columns of every non-empty row after it."""
    first: list = []
    order: list[int | None] = []
    readable = 0
    for number, record in records:
        record = _trim(record)
        if len(record) > MAX_COLUMNS:
            raise _too_many_columns()
        if not table.headers:
            first = first or record
            if number > HEADER_ROWS:
                break
            if _is_header(record, extra):
                table.headers = ["" if c is None else str(c) for c in record]
                table.columns = pick(table.headers)
                order = [table.columns.get(f) for f in FIELDS]
            continue
        if not record:
            continue
        if len(table.rows) >= max_rows:
            raise _too_many_rows(max_rows)
        readable += len(record) > 1
        table.rows.append((number, [record[i] if i is not None and i < len(record) else None for i in order]))
    if not table.headers:
        sample = ", ".join(str(c) for c in first[:8])
        raise FileError("wrong_columns", "No header row with known columns (e.g. Användarnamn/Username, Status, "
                        f"Slutförd/Completed) in the first ten rows. First row: {sample[:200]}", sample[:200])
    if table.delimiter and table.rows and not readable and len(table.headers) > 1:
        raise FileError("separator_mismatch", f"The header row is separated by {table.delimiter!r} but the data "
                        "rows are not; no row can be read.")
    return table


def _is_header(record: list, extra: frozenset[str]) -> bool:
    names = {normalise_header(cell) for cell in record}
    return len(({HEADER_FIELD.get(n) for n in names} - {None}) | (names & extra)) >= 2


def _trim(record) -> list:
    """The row without the empty cells Excel leaves at its end ("a;b;;;;"); [] for an empty row."""
    end = len(record)
    while end and (record[end - 1] is None or (record[end - 1].__class__ is str and not record[end - 1].strip())):
        end -= 1
    return record[:end] if end < len(record) else record


def _too_many_rows(max_rows: int) -> FileError:
    return FileError("too_many_rows", f"The file has more than {max_rows} data rows (TRAINING_IMPORT_MAX_ROWS); "
                     "split it into smaller files.", str(max_rows))


def _too_many_columns() -> FileError:
    return FileError("too_many_columns", f"The file has more than {MAX_COLUMNS} columns; an LMS report has a "
                     "handful. Remove the extra columns.", str(MAX_COLUMNS))
