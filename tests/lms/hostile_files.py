"""Hostile LMS report files built from raw XML and text, fast and without openpyxl's
writer (which would refuse or fix what these files get wrong on purpose).

Run as a script (`python -m tests.lms.hostile_files DB_URL KIND MAX_ROWS`) it
builds one file, dry-runs the real import of it and prints {"peak_mb", "error", "rows"}:
the peak resident memory of a fresh process, measured with getrusage."""
from __future__ import annotations

import io
import json
import resource
import sys
import zipfile

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
       'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
       'name="Rapport" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
HEADER = ["Användarnamn", "Kurs", "Status", "Slutförd"]


def column_name(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _row(number: int, cells) -> str:
    inner = "".join(f'<c r="{column_name(j)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for j, v in enumerate(cells, 1) if v is not None)
    return f'<row r="{number}">{inner}</row>'


def xlsx(rows, dimension: str | None = None, extra_rows: str = "") -> bytes:
    """A one-sheet workbook; `dimension` is what it claims, `extra_rows` raw <row> XML appended."""
    body = "".join(_row(n, cells) for n, cells in enumerate(rows, 1)) + extra_rows
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dim}<sheetData>{body}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS), ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, text)
    return out.getvalue()


def data_row(n: int) -> list[str]:
    return [f"u{n:07d}", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]


def big_file(kind: str, rows: int) -> bytes:
    """The largest files each path must survive."""
    if kind == "xlsx-claims-everything":  # 5 KB that says A1:XFD1048576
        return xlsx([HEADER] + [data_row(n) for n in range(20)], "A1:XFD1048576")
    if kind == "xlsx-many-rows":  # a stale A1:D2 over more rows than allowed
        body = "".join(_row(n + 2, data_row(n)) for n in range(rows + 10))
        return xlsx([HEADER], "A1:D2", body)
    if kind == "xlsx-empty-rows":  # millions of empty <row/> elements: tiny zipped, huge for an XML tree
        return xlsx([HEADER], None, "<row/>" * 3_000_000)
    if kind == "csv-max-rows":  # exactly the allowed rows, every one a problem row (nobody matches)
        lines = [";".join(HEADER)] + [";".join(data_row(n)) for n in range(rows)]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if kind == "xlsx-max-rows":
        return xlsx([HEADER] + [data_row(n) for n in range(rows)])
    raise ValueError(kind)


def _probe(database_url: str, kind: str, rows: int) -> dict:
    from app import create_app
    from lms import importer
    from tests.conftest import test_config

    data = big_file(kind, rows)
    app = create_app(test_config(database_url, TRAINING_IMPORT_MAX_ROWS=rows, TRAINING_IMPORT_MAX_MB=50))
    with app.app_context():
        result = importer.import_file(data, f"{kind}.bin", dry_run=True)
    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "rows": result.rows,
            "error": result.error.code if result.error else None, "problems": result.problem_count}


if __name__ == "__main__":
    print(json.dumps(_probe(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
