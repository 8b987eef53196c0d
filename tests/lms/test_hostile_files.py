"""Files that lie about themselves: workbooks whose declared size is false, too many rows
or columns, title rows with commas, separators that disagree, and the memory any file
may take (measured in a fresh process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extensions import db
from lms import importer, reader
from models import ImportBatch
from tests.lms.hostile_files import HEADER, xlsx
from tests.training.conftest import local

NOW = local(2025, 1, 15)
ROOT = Path(__file__).resolve().parents[2]
ROW = ["ann", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]


def run(data: bytes, **kw) -> importer.ImportResult:
    result = importer.import_file(data, kw.pop("filename", "rapport"), now=NOW, **kw)
    if result.ok and not kw.get("dry_run"):
        db.session.commit()
    else:
        db.session.rollback()
    return result


def test_a_workbook_claiming_the_whole_sheet_is_read_by_its_rows(org, course):
    data = xlsx([HEADER, ROW], "A1:XFD1048576")
    assert len(data) < 5000
    table = reader.read_table(data)
    assert [n for n, _cells in table.rows] == [2] and table.headers == HEADER
    assert run(data).imported == 1


def test_a_stale_dimension_does_not_hide_rows(org, course):
    rows = [HEADER] + [[f"nobody{n}", *ROW[1:]] for n in range(40)] + [ROW]
    result = run(xlsx(rows, "A1:D2"))
    assert result.rows == 41 and result.imported == 1 and len(result.unmatched) == 40


def test_more_rows_than_allowed_are_refused_whatever_the_dimension_says(org, course, app):
    app.config["TRAINING_IMPORT_MAX_ROWS"] = 50
    for data in (xlsx([HEADER] + [ROW] * 51, "A1:D2"),
                 ("\r\n".join(";".join(r) for r in [HEADER] + [ROW] * 51)).encode()):
        result = run(data)
        assert not result.ok and result.error.code == "too_many_rows" and "50" in str(result.error)
    assert run(xlsx([HEADER] + [ROW] * 50)).rows == 50
    assert db.session.query(ImportBatch).count() == 1


def test_more_than_a_hundred_columns_are_refused(org, course):
    wide = HEADER + [f"Extra {n}" for n in range(97)]
    for data in (xlsx([wide, ROW]), ";".join(wide).encode() + b"\r\n" + ";".join(ROW).encode()):
        result = run(data)
        assert result.error is not None and result.error.code == "too_many_columns"
    just_enough = HEADER + [f"Extra {n}" for n in range(96)]
    assert run(xlsx([just_enough, ROW])).imported == 1


def test_a_csv_line_of_endless_separators_is_refused_without_building_it(org, course):
    data = (";".join(HEADER) + "\r\n" + "ann" + ";" * 1_000_000 + "\r\n").encode()
    assert run(data).error.code == "too_many_columns"


def test_empty_cells_excel_leaves_at_the_end_of_rows_are_not_columns(org, course):
    data = (";".join(HEADER) + ";" * 300 + "\r\n" + ";".join(ROW) + ";" * 300 + "\r\n").encode()
    assert run(data).imported == 1


def test_the_separator_comes_from_the_header_row_below_a_title_with_a_comma(org, course):
    lines = ["Rapport: Säkert Beteende, uttag 2026-12-02", "", ";".join(HEADER), ";".join(ROW)]
    result = run(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    assert result.ok and result.imported == 1 and result.rows == 1


def test_a_comma_header_below_a_semicolon_title(org, course):
    lines = ["Rapport; Säkert Beteende; uttag", ",".join(HEADER), ",".join(ROW)]
    assert run(("\r\n".join(lines)).encode()).imported == 1


def test_header_and_rows_with_different_separators_are_refused_not_recorded(org, course):
    data = ("\r\n".join([";".join(HEADER), ",".join(ROW), ",".join(ROW)])).encode()
    result = run(data)
    assert not result.ok and result.error.code == "separator_mismatch"
    assert db.session.query(ImportBatch).count() == 0


def test_web_upload_refuses_too_many_rows_in_swedish(client, auth, org, course, app):
    import io

    app.config["TRAINING_IMPORT_MAX_ROWS"] = 5
    auth.login("admin")
    response = client.post("/admin/training/import", data={
        "file": (io.BytesIO(xlsx([HEADER] + [ROW] * 6)), "rapport.xlsx"), "course": "0", "mapping": "0"},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "för många rader" in response.get_data(as_text=True)


def test_cli_refuses_too_many_columns_in_plain_english(runner, org, course, tmp_path):
    path = tmp_path / "bred.xlsx"
    path.write_bytes(xlsx([HEADER + [f"X{n}" for n in range(120)], ROW]))
    result = runner.invoke(args=["lms", "import", str(path)])
    assert result.exit_code == 1 and "more than 100 columns" in result.output


@pytest.mark.parametrize("kind, rows, error", [
    ("xlsx-claims-everything", 20, None),
    ("xlsx-many-rows", 20_000, "too_many_rows"),
    ("xlsx-empty-rows", 20_000, "too_many_rows"),
    ("csv-max-rows", 200_000, None),  # the default limit, every row a problem row
])
def test_an_import_stays_under_500_mb(migrated, kind, rows, error):
    """Each file is built and dry-run imported in a fresh process; its peak RSS is measured there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECRET_KEY": "x"}
    out = subprocess.run([sys.executable, "-m", "tests.lms.hostile_files", migrated, kind, str(rows)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["error"] == error and report["peak_mb"] < 500, report
    if error is None:
        assert report["rows"] == min(rows, 20 if kind.startswith("xlsx") else rows)

