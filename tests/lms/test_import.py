"""Importing LMS reports: formats, matching, idempotency, forward-only statuses, problem
rows, strict mode, refused files, undo, and the command line."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from extensions import db
from lms import importer
from models import AuditEvent, Completion, ImportBatch
from tests.training.conftest import local
from training import operations

NOW = local(2025, 1, 15)


@pytest.fixture
def staff(org):
    """The org with employee numbers, and one e-mail shared by two people."""
    for n, name in enumerate(["ann", "ben", "carl", "lead"], start=1):
        org[name].employee_number = f"{1000 + n}"
    org["ben"].email = org["carl"].email = "delad@example.se"
    db.session.commit()
    return org


def swedish_csv(rows: list[list[str]], encoding="cp1252", bom=False) -> bytes:
    header = ["Anställningsnummer", "Användarnamn", "E-post", "Namn", "Kurs", "Status", "Slutförd"]
    text = "\r\n".join(";".join(r) for r in [header] + rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def run(data: bytes, **kw) -> importer.ImportResult:
    result = importer.import_file(data, kw.pop("filename", "rapport.csv"), now=NOW, **kw)
    if result.ok and not kw.get("dry_run"):
        db.session.commit()
    else:
        db.session.rollback()
    return result


def completions() -> list[tuple]:
    return sorted(db.session.execute(select(Completion.person_id, Completion.version_id, Completion.state,
                                            Completion.completed_at)).all())


GOOD = [
    ["1001", "", "", "Ann T", "Säkert Beteende 2024", "Godkänd", "2024-09-20 14:03"],
    ["", "ben", "", "Ben T", "Säkert Beteende 2024", "Påbörjad", ""],
    ["", "", "LEAD@example.se", "Lead T", "Säkert Beteende 2023", "Slutförd", "15/09/2023"],
]


def test_swedish_excel_csv_in_windows_1252_is_imported(staff, course):
    result = run(swedish_csv(GOOD))
    assert result.ok and (result.rows, result.imported, result.unchanged) == (3, 3, 0)
    rows = completions()
    assert (staff["ann"].id, course["v2024"].id, "completed", local(2024, 9, 20, 14, 3)) in rows
    assert (staff["ben"].id, course["v2024"].id, "in_progress", None) in rows
    assert (staff["lead"].id, course["v2023"].id, "completed", local(2023, 9, 15, 0, 0)) in rows


@pytest.mark.parametrize("make", [
    lambda rows: swedish_csv(rows, "utf-8", bom=True),
    lambda rows: swedish_csv(rows, "utf-8").replace(b";", b","),
    lambda rows: swedish_csv(rows, "utf-16"),
])
def test_other_encodings_and_separators(staff, course, make):
    result = run(make(GOOD))
    assert result.ok and result.imported == 3, result.as_json()


def test_xlsx_with_english_headers_and_real_dates(staff, course):
    wb = Workbook()
    ws = wb.active
    ws.append(["Employee number", "Username", "Email", "Course", "Status", "Completed"])
    ws.append([1001, None, None, "Säkert Beteende 2024", "Passed", datetime(2024, 10, 2, 9, 30)])
    ws.append([None, "ben", None, "säkert beteende 2024", "In progress", None])
    buf = io.BytesIO()
    wb.save(buf)
    result = run(buf.getvalue(), filename="export.xlsx")
    assert result.ok and result.imported == 2
    assert (staff["ann"].id, course["v2024"].id, "completed", local(2024, 10, 2, 9, 30)) in completions()


def test_reimport_changes_nothing_and_statuses_only_move_forward(staff, course):
    run(swedish_csv(GOOD))
    before = completions()
    again = run(swedish_csv(GOOD))
    assert (again.imported, again.unchanged) == (0, 3) and completions() == before
    # An older file says Ann only started; Ben has now completed.
    newer = run(swedish_csv([
        ["1001", "", "", "", "Säkert Beteende 2024", "Påbörjad", ""],
        ["", "ben", "", "", "Säkert Beteende 2024", "Godkänd", "2024-11-02"],
    ]))
    assert (newer.imported, newer.unchanged) == (1, 1)
    ann = [r for r in completions() if r[0] == staff["ann"].id]
    assert ann == [(staff["ann"].id, course["v2024"].id, "completed", local(2024, 9, 20, 14, 3))]


def test_problem_rows_are_listed_with_row_numbers_and_do_not_block(staff, course):
    rows = GOOD + [
        ["9999", "", "", "Okänd", "Säkert Beteende 2024", "Godkänd", "2024-10-01"],      # row 5: unmatched
        ["", "", "delad@example.se", "Två", "Säkert Beteende 2024", "Godkänd", "2024-10-01"],  # 6: ambiguous
        ["1001", "", "", "Ann T", "Säkert Beteende 2024", "Godkänd", "2024-09-20 14:03"],  # 7: duplicate of 2
        ["1002", "", "", "Ben", "Säkert Beteende 2024", "Godkänd", "31/02/2024"],         # 8: bad date
        ["1003", "", "", "Carl", "Säkert Beteende 2024", "Kanske", "2024-10-01"],          # 9: unknown status
        ["1003", "", "", "Carl", "Brandskydd", "Godkänd", "2024-10-01"],                   # 10: unknown course
        ["1003", "", "", "Carl", "Säkert Beteende 2024", "Godkänd", "2031-01-01"],         # 11: future date
    ]
    result = run(swedish_csv(rows))
    data = result.as_json()
    assert set(data) == {"ok", "dry_run", "rows", "imported", "unchanged", "unmatched", "ambiguous",
                         "duplicates", "invalid"}
    assert data["ok"] and data["imported"] == 3
    assert (data["unmatched"], data["ambiguous"], data["duplicates"]) == ([5], [6], [7])
    assert [i["row"] for i in data["invalid"]] == [8, 9, 10, 11]
    assert "31/02/2024" in data["invalid"][0]["reason"]
    batch = db.session.get(ImportBatch, result.batch_id)
    assert (batch.unmatched, batch.invalid, len(batch.problems)) == (1, 4, 7)


def test_strict_mode_writes_nothing_when_any_row_has_a_problem(staff, course):
    result = run(swedish_csv(GOOD + [["9999", "", "", "", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]]),
                 strict=True)
    assert not result.ok and completions() == [] and db.session.scalar(
        select(func.count()).select_from(ImportBatch)) == 0


def test_dry_run_writes_nothing(staff, course):
    result = run(swedish_csv(GOOD), dry_run=True)
    assert result.ok and result.imported == 3 and completions() == []


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"   \r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_a_report"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "not_a_report"),
    (bytes(range(256)) * 20, "not_a_report"),
    (b"Foo;Bar;Baz\r\n1;2;3\r\n", "wrong_columns"),
    (b"PK\x03\x04garbage-not-a-zip", "bad_xlsx"),
    ("Användarnamn;Namn\r\nann;Ann\r\n".encode("cp1252"), "wrong_columns"),
    ("Användarnamn;Status;Slutförd\r\nann;Godkänd;2024-10-01\r\n".encode("cp1252"), "no_course"),
])
def test_files_that_are_not_reports_are_refused_and_nothing_is_written(staff, course, data, code):
    result = run(data)
    assert not result.ok and result.error.code == code and completions() == []


def test_too_large_file_is_refused(staff, course, app):
    app.config["TRAINING_IMPORT_MAX_MB"] = 1
    result = run(swedish_csv(GOOD) + b" " * (2 * 1024 * 1024))
    assert not result.ok and result.error.code == "too_large"


def test_course_option_picks_the_version_by_date(staff, course):
    data = "Användarnamn;Status;Slutförd\r\nann;Godkänd;2024-10-01\r\nben;Godkänd;2024-01-10\r\n".encode("cp1252")
    assert run(data, course=course["course"]).imported == 2
    versions = {r[0]: r[1] for r in completions()}
    assert versions == {staff["ann"].id: course["v2024"].id, staff["ben"].id: course["v2023"].id}


def test_saved_mapping_reads_unusual_headers(staff, course):
    data = "Personnr;Kursens namn;Resultat;Datum klart\r\n1001;Säkert Beteende 2024;Godkänd;2024-10-01\r\n"
    mapping = {"employee_number": "Personnr", "course": "Kursens namn", "status": "Resultat",
               "completed_at": "Datum klart"}
    assert run(data.encode("cp1252")).error.code == "wrong_columns"
    assert run(data.encode("cp1252"), mapping=mapping).imported == 1


def test_employee_numbers_ignore_leading_zeros_dropped_by_excel(staff, course):
    staff["ann"].employee_number = "001001"
    db.session.commit()
    assert run(swedish_csv([GOOD[0]])).imported == 1


def test_undo_removes_the_newest_import_only(staff, course):
    first = run(swedish_csv(GOOD[:1]))
    second = run(swedish_csv(GOOD[1:]))
    assert not operations.undoable(db.session.get(ImportBatch, first.batch_id))
    removed = operations.undo_import(db.session.get(ImportBatch, second.batch_id), staff["admin"], NOW)
    db.session.commit()
    assert removed == 2 and [r[0] for r in completions()] == [staff["ann"].id]
    assert operations.undoable(db.session.get(ImportBatch, first.batch_id))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.import.undo")) is not None


def test_cli_import_prints_exactly_the_promised_json(staff, course, runner, tmp_path):
    path = tmp_path / "rapport.csv"
    path.write_bytes(swedish_csv(GOOD + [["9999", "", "", "", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]]))
    result = runner.invoke(args=["training", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"ok": True, "dry_run": False, "rows": 4, "imported": 3, "unchanged": 0, "unmatched": [5],
                    "ambiguous": [], "duplicates": [], "invalid": []}
    again = json.loads(runner.invoke(args=["training", "import", str(path), "--json"]).stdout)
    assert (again["imported"], again["unchanged"]) == (0, 3)
    dry = runner.invoke(args=["training", "import", str(path), "--json", "--dry-run", "--strict"])
    assert dry.exit_code == 1 and json.loads(dry.stdout)["ok"] is False


def test_cli_refuses_an_image_with_a_clear_message(staff, course, runner, tmp_path):
    path = tmp_path / "bild.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    result = runner.invoke(args=["training", "import", str(path)])
    assert result.exit_code == 1 and "image" in result.output and completions() == []


def test_web_upload_preview_confirm_and_undo(client, auth, staff, course):
    auth.login("admin")
    data = swedish_csv(GOOD + [["9999", "", "", "Okänd", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]])
    preview = client.post("/admin/training/import", data={"file": (io.BytesIO(data), "rapport.csv"),
                                                          "course": "0", "mapping": "0"},
                          content_type="multipart/form-data")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Förhandsgranskning" in body and "ingen person matchar" in body
    assert completions() == []
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', body).group(1)
    problems = client.get(f"/admin/training/import/preview/{token}/problems.csv").data.decode("utf-8-sig")
    assert "Okänd" in problems and ";5;" not in problems and "\r\n5;" in problems
    done = client.post("/admin/training/import/confirm", data={"token": token})
    assert done.status_code == 302 and len(completions()) == 3
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.created_by_id, batch.filename, batch.rows, batch.unmatched) == (staff["admin"].id, "rapport.csv", 4, 1)
    assert client.get(f"/admin/training/imports/{batch.id}").status_code == 200
    assert client.post(f"/admin/training/imports/{batch.id}/undo").status_code == 302
    assert completions() == []


def test_web_upload_of_a_non_report_shows_a_swedish_error(client, auth, staff, course):
    auth.login("admin")
    response = client.post("/admin/training/import", data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "x.png"),
                                                           "course": "0", "mapping": "0"},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "ingen rapport" in response.get_data(as_text=True)


def test_web_upload_too_large_is_a_clear_413(client, auth, staff, course, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    auth.login("admin")
    response = client.post("/admin/training/import", data={"file": (io.BytesIO(b"x" * 5000), "big.csv"),
                                                           "course": "0", "mapping": "0"},
                           content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 413 and "för stort" in body and completions() == []


def test_a_shared_identifier_is_narrowed_to_the_active_person(staff, course):
    staff["carl"].active = False  # ben and carl share an e-mail; carl has left
    db.session.commit()
    result = run(swedish_csv([["", "", "delad@example.se", "", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]]))
    assert result.imported == 1 and completions()[0][0] == staff["ben"].id


@pytest.mark.parametrize("moment", [
    datetime(2024, 9, 15, 12, 3, tzinfo=timezone.utc),
    datetime(2024, 9, 15, 14, 3, 5, 123456, tzinfo=ZoneInfo("Europe/Stockholm")),
    datetime(2024, 3, 31, 1, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Stockholm")),
])
def test_the_fast_sqlite_timestamp_text_is_what_the_column_type_stores(moment):
    from sqlalchemy.dialects import sqlite

    from models.base import FastUTCText, UTCDateTime

    dialect = sqlite.dialect()
    stored = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)(moment)
    assert FastUTCText().process_bind_param(moment, dialect) == stored


def test_an_import_that_changed_nothing_is_recorded_and_does_not_block_undo(staff, course):
    first = run(swedish_csv(GOOD))
    again = run(swedish_csv(GOOD))
    assert (again.imported, again.unchanged) == (0, 3)
    batch = db.session.get(ImportBatch, again.batch_id)
    assert batch.status == "unchanged" and batch.rows == 3
    assert not operations.undoable(batch)
    assert operations.undoable(db.session.get(ImportBatch, first.batch_id))
    assert operations.undo_import(db.session.get(ImportBatch, first.batch_id), None, NOW) == 3
    empty = run(swedish_csv([]))
    assert empty.ok and db.session.get(ImportBatch, empty.batch_id).status == "unchanged"


def test_a_refused_strict_import_prints_one_consistent_result(staff, course, runner, tmp_path):
    path = tmp_path / "rapport.csv"
    path.write_bytes(swedish_csv(GOOD + [["9999", "", "", "", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]]))
    refused = runner.invoke(args=["training", "import", str(path), "--json", "--strict"])
    data = json.loads(refused.stdout)
    assert refused.exit_code == 1 and data["ok"] is False and data["imported"] == 0 and data["unmatched"] == [5]
    plain = runner.invoke(args=["training", "import", str(path), "--strict"])
    assert plain.exit_code == 1 and "Imported" not in plain.output and "0 of 4 rows imported" in plain.output
    assert completions() == [] and db.session.query(ImportBatch).count() == 0
