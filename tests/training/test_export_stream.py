"""People exports stream: the CSV's first bytes go out before any person is read, the
rows follow batch by batch (keyset pagination), and the XLSX is built in a temporary file."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from extensions import db
from models import utcnow
from tests.training.conftest import local
from training import freshness, people_export


@pytest.fixture
def data(org, course, complete):
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    freshness.run_pending(utcnow())
    return org


@pytest.fixture
def status_reads(app):
    """The statements that read training_status, as they happen."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if "FROM training_status" in statement and "count(" not in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_csv_export_streams_batch_by_batch(client, auth, data, monkeypatch, status_reads):
    monkeypatch.setattr(people_export, "EXPORT_BATCH", 2)
    auth.login("admin")
    response = client.get("/admin/training/region/export.csv?what=people")
    assert response.status_code == 200 and response.is_streamed
    chunks = iter(response.response)
    first = next(chunks).decode("utf-8-sig")
    assert first.startswith("Säkert Beteende") and "Namn;Användarnamn" in first
    assert status_reads == []  # nothing read yet: the first byte does not wait for the data
    rest = b"".join(chunks).decode("utf-8")
    names = [line.split(";")[0] for line in rest.strip().splitlines()]
    assert len(names) == 9 and names == sorted(names, key=lambda n: (n.split()[-1].lower(), n))
    assert len(status_reads) == 5  # 9 people, 2 a batch: a keyset read per batch, never one big list
    assert all("JOIN person" in sql for sql in status_reads)  # the people come with their statuses, not after


def test_team_export_streams_and_keeps_the_columns(client, auth, data, monkeypatch):
    monkeypatch.setattr(people_export, "EXPORT_BATCH", 1)
    auth.login("boss")
    response = client.get("/training/team/export.csv")
    assert response.is_streamed and response.headers["Cache-Control"] == "no-store"
    lines = response.get_data().decode("utf-8-sig").splitlines()
    body = [line.split(";") for line in lines[4:]]
    assert sorted(row[1] for row in body) == ["ann", "ben", "lead"]
    assert {row[1]: row[4] for row in body}["ann"] == "Genomförd"


def test_xlsx_export_is_built_in_a_temporary_file(client, auth, data, monkeypatch):
    import tempfile

    made = []
    real = tempfile.TemporaryFile

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", spy)
    monkeypatch.setattr(people_export, "EXPORT_BATCH", 2)
    auth.login("admin")
    response = client.get("/admin/training/region/export.xlsx?what=people")
    assert response.is_streamed and len(made) == 1
    names = [row[0].value for row in load_workbook(io.BytesIO(response.get_data())).active.iter_rows(min_row=5)]
    assert len(names) == 9 and made[0].closed


def test_one_export_per_worker_at_a_time_the_next_is_told_to_retry(client, auth, data, app):
    auth.login("admin")
    app.config["EXPORTS_PER_WORKER"] = 1
    running = client.get("/admin/training/region/export.csv?what=people")
    assert running.status_code == 200 and running.is_streamed
    next(iter(running.response))  # started, not finished: it holds the worker's export slot
    busy = client.get("/training/team/export.csv")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "10"
    assert "Försök igen om en stund" in busy.get_data(as_text=True)
    assert client.get("/admin/training/region?unit_scope=").status_code == 200  # pages are not held up
    running.close()  # the download ended: the slot is free again
    again = client.get("/training/team/export.csv")
    assert again.status_code == 200 and again.get_data().startswith(b"\xef\xbb\xbf")


def test_a_streamed_export_does_not_need_the_request_objects_once_started(client, auth, data, monkeypatch):
    """The rows are read after the view has returned and the session has committed (and,
    under gunicorn, maybe been closed): the export must not touch the request's ORM objects."""
    monkeypatch.setattr(people_export, "EXPORT_BATCH", 2)
    auth.login("admin")
    response = client.get("/admin/training/region/export.csv?what=people")
    db.session.expire_all()  # the session store's commit at the end of the request
    db.session.close()  # what a closed request session leaves: every object detached
    names = [line.split(";")[1] for line in b"".join(response.response).decode("utf-8-sig").splitlines()[4:]]
    assert len(names) == 9 and "ann" in names
