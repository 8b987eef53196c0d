"""Upload previews that nobody confirmed are deleted after TRAINING_PREVIEW_HOURS by the
scheduled job; a confirmation after that asks for the file again."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine

from jobs.registry import get_job
from lms import previews
from models import utcnow
from tests.lms.hostile_files import HEADER

ROW = ["ann", "Säkert Beteende 2024", "Godkänd", "2024-10-01"]


@pytest.fixture
def app_config(tmp_path):
    return {"INSTANCE_DIR": str(tmp_path / "instance")}


def upload(client) -> str:
    data = ("\r\n".join(";".join(r) for r in (HEADER, ROW)) + "\r\n").encode()
    response = client.post("/admin/training/import", data={"file": (io.BytesIO(data), "rapport.csv"), "course": "0",
                                                           "mapping": "0"}, content_type="multipart/form-data")
    assert response.status_code == 200
    return re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def stored_files(app) -> set[str]:
    return {p.name for p in previews.folder().iterdir()}


def test_unconfirmed_previews_are_deleted_by_the_job_after_24_hours(app, client, auth, org, course):
    auth.login("admin")
    start = utcnow()
    with time_machine.travel(start, tick=False):
        old = upload(client)
    with time_machine.travel(start + timedelta(hours=20), tick=False):
        recent = upload(client)
    job = get_job("lms.delete_previews", app)
    assert job.func(start + timedelta(hours=23, minutes=59)) == "0 unconfirmed upload previews deleted"
    assert job.func(start + timedelta(hours=24, minutes=1)).startswith("1 ")
    assert stored_files(app) == {f"{recent}.bin", f"{recent}.json"} and old not in str(stored_files(app))
    job.func(start + timedelta(hours=45))
    assert stored_files(app) == set()


def test_confirming_an_expired_preview_asks_for_the_file_again(app, client, auth, org, course):
    auth.login("admin")
    start = utcnow()
    with time_machine.travel(start, tick=False):
        token = upload(client)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        response = client.post("/admin/training/import/confirm", data={"token": token}, follow_redirects=True)
        assert "Ladda upp filen igen" in response.get_data(as_text=True)
        assert client.get(f"/admin/training/import/preview/{token}/problems.csv").status_code == 404


def test_a_confirmed_preview_is_removed_at_once(app, client, auth, org, course):
    auth.login("admin")
    token = upload(client)
    assert client.post("/admin/training/import/confirm", data={"token": token}).status_code == 302
    assert stored_files(app) == set()
