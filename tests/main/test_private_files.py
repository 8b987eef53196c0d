"""Everything Vaksam writes under its instance folder is the app user's alone: files
0600, folders 0700, under a permissive umask (022) too."""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

import config
from app import create_app
from extensions import db
from tests.conftest import test_config


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def permissive_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_sqlite_database_and_its_wal_are_private(tmp_path):
    path = tmp_path / "instance" / "vaksam.db"
    path.parent.mkdir(mode=0o700)
    app = create_app(test_config(f"sqlite:///{path}"))
    with app.app_context():
        db.session.execute(text("CREATE TABLE probe (x INTEGER)"))
        db.session.execute(text("INSERT INTO probe VALUES (1)"))
        db.session.commit()
        journals = [p for p in path.parent.iterdir() if p.name != "vaksam.db"]
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
        assert journals and all(mode(p) == 0o600 for p in journals)  # -wal and -shm
        db.session.remove()
        db.engine.dispose()


def test_the_default_database_creates_a_private_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    create_app(test_config(f"sqlite:///{instance / 'vaksam.db'}", INSTANCE_DIR=str(instance)))
    assert mode(instance) == 0o700 and mode(instance / "vaksam.db") == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    create_app(test_config(f"sqlite:///{path}"))
    assert mode(path) == 0o600


def test_generated_secret_key_and_instance_folder_are_private(tmp_path, monkeypatch):
    # Only demo mode generates a key (create_app calls this); production must set SECRET_KEY.
    key = config.instance_secret_key(tmp_path / "instance")
    assert len(key) == 64 and config.instance_secret_key(tmp_path / "instance") == key  # made once
    assert mode(tmp_path / "instance" / "secret_key") == 0o600 and mode(tmp_path / "instance") == 0o700


def test_demo_mail_files_are_private(tmp_path):
    from outbox.transport import FileTransport

    directory = tmp_path / "instance" / "mail"
    name = FileTransport({"OUTBOX_MAIL_DIR": str(directory)}).send(b"Subject: x\r\n\r\nhej", "a@x.example",
                                                                   "b@x.example", 7)
    assert mode(directory / name) == 0o600 and mode(directory) == 0o700 and mode(tmp_path / "instance") == 0o700
    assert [p.name for p in directory.iterdir()] == [name]  # no temporary file left behind


def test_followup_evidence_and_its_folders_are_private(migrated, tmp_path):
    from followup import uploads

    app = create_app(test_config(migrated, FOLLOWUP_UPLOAD_DIR=str(tmp_path / "instance" / "uploads" / "followup")))
    with app.app_context():
        data = b"%PDF-1.4 evidence"
        name = uploads.store(uploads.Accepted("pdf", data, hashlib.sha256(data).hexdigest()))
        stored = uploads.path_of(name)
    assert mode(stored) == 0o600
    assert {mode(p) for p in (stored.parent, stored.parent.parent, tmp_path / "instance")} == {0o700}


def test_training_upload_previews_are_private(migrated, tmp_path):
    from lms import previews
    from models import utcnow

    app = create_app(test_config(migrated, INSTANCE_DIR=str(tmp_path / "instance")))
    with app.app_context():
        token = previews.store(b"Anv\xe4ndarnamn;Status\r\n", {"filename": "r.csv"}, utcnow())
        folder = previews.folder()
    assert {mode(folder / f"{token}{s}") for s in (".bin", ".json")} == {0o600}
    assert mode(folder) == 0o700 and mode(tmp_path / "instance") == 0o700
