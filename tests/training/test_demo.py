"""The training part of the demo: course, requirement, imported export, varied completion."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from demo.load import load_demo
from extensions import db
from lms import importer
from models import Completion, ImportBatch, KpiSnapshot, Unit
from tests.conftest import demo_password
from tests.demo import on_demo_day
from training import demo, queries


@pytest.fixture
def app_config():
    return {"DEMO_MODE": True}  # the demo loads only in demo mode


@pytest.fixture(autouse=True)
def _demo_day():
    yield from on_demo_day()


def test_committed_exports_match_the_generator():
    assert demo.EXPORT_1.read_bytes() == demo.render_export_1()
    assert demo.EXPORT_2.read_bytes() == demo.render_export_2()
    assert demo.EXPORT_1.read_bytes().startswith("Anställningsnummer;".encode("cp1252"))
    assert demo.EXPORT_2.read_bytes().startswith(b"\xef\xbb\xbf")


def test_demo_load_imports_once_and_completion_varies_by_unit(app):
    load_demo()
    completions = db.session.scalar(select(func.count()).select_from(Completion))
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(Completion)) == completions > 2000
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    requirement = queries.requirement_for_course(None)
    assert requirement.due_on.isoformat() == "2026-11-30"  # on DEMO_DAY, a week ago
    region = queries.region(requirement, None)
    enheter = []
    for forvaltning, _c in region.children:
        enheter += queries.region(requirement, forvaltning).children
    percents = {u.name: c.percent for u, c in enheter if u is not None and u.level == 1}
    assert max(percents.values()) >= 90 and min(percents.values()) < 40, percents
    assert db.session.scalar(select(func.count(func.distinct(KpiSnapshot.taken_on)))) >= 4


def test_second_export_can_be_tried_by_hand(app, loaded_demo):
    result = importer.import_file(demo.EXPORT_2.read_bytes(), demo.EXPORT_2.name, dry_run=True)
    db.session.rollback()
    assert result.ok and result.imported > 50
    assert result.unmatched and result.duplicates and len(result.invalid) == 2


def test_demo_pages_work_for_the_demo_logins(app, client, loaded_demo):
    for username, password, path, text in [
        ("chef", demo_password("chef"), "/training/team", "Mitt team"),
        ("admin", demo_password("admin"), "/admin/training/region", "Hälso- och sjukvårdsförvaltningen"),
        ("admin", demo_password("admin"), "/admin/training/report?year=2025", "<svg"),
        ("anstalld", demo_password("anstalld"), "/training/mine", "Säkert Beteende"),
    ]:
        client.post("/login", data={"username": username, "password": password})
        response = client.get(path)
        assert response.status_code == 200 and text in response.get_data(as_text=True), path
        client.post("/logout")
    assert db.session.scalar(select(func.count()).select_from(Unit)) > 10
