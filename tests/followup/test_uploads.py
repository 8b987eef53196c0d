"""Evidence uploads: only PDF, DOCX, XLSX, PNG and JPEG by content, within the size limit;
anything else is refused with a Swedish message and leaves no file and no row behind."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from extensions import db
from followup import operations as ops
from followup.uploads import UploadRefused, check, sniff
from models import Document, Evidence, utcnow
from tests.followup.conftest import EXE, JPEG, PDF, PNG, office_file


@pytest.fixture
def app_config(tmp_path):
    return {"FOLLOWUP_MAX_UPLOAD_MB": 1, "FOLLOWUP_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def action(app, org, audit_report):
    action = ops.create_action(audit_report[1], ops.ActionData("Kursen blir obligatorisk"), org["admin"], utcnow())
    db.session.commit()
    return action


def test_types_are_recognised_by_content():
    assert sniff(PDF) == "pdf" and sniff(PNG) == "png" and sniff(JPEG) == "jpeg"
    assert sniff(office_file("docx")) == "docx" and sniff(office_file("xlsx")) == "xlsx"
    assert sniff(EXE) is None and sniff(b"PK\x03\x04not a zip") is None and sniff(b"hello") is None


@pytest.mark.parametrize("name, data, code", [
    ("program.exe", EXE, "file_type"),
    ("rapport.pdf", EXE, "file_type"),          # a renamed .exe
    ("bild.png", PDF, "file_mismatch"),          # a PDF calling itself a PNG
    ("utan-andelse", PDF, "file_type"),
    ("tom.pdf", b"", "file_empty"),
    ("stor.pdf", PDF + b"0" * 2048, "file_too_large"),
])
def test_check_refuses(name, data, code):
    with pytest.raises(UploadRefused) as refused:
        check(name, io.BytesIO(data), max_bytes=1024)
    assert refused.value.code == code


def upload(client, action, name, data):
    return client.post(f"/admin/uppfoljning/atgarder/{action.id}/underlag", data={
        "kind": "document", "label": "", "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.mark.parametrize("name, data, message", [
    ("virus.exe", EXE, "Filtypen är inte tillåten"),
    ("rapport.pdf", EXE, "Filtypen är inte tillåten"),
    ("bild.jpg", PNG, "Filens innehåll stämmer inte med filändelsen"),
    ("stor.pdf", PDF + b"0" * (1024 * 1024 + 1), "Filen är för stor. Största tillåtna storlek är 1 MB."),
])
def test_bad_upload_is_refused_cleanly(app, client, auth, action, name, data, message):
    auth.login("admin")
    response = upload(client, action, name, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    directory = Path(app.config["FOLLOWUP_UPLOAD_DIR"])
    assert not directory.exists() or list(directory.iterdir()) == []


def test_missing_file_is_refused(client, auth, action):
    auth.login("admin")
    response = client.post(f"/admin/uppfoljning/atgarder/{action.id}/underlag", data={"kind": "document"})
    assert response.status_code == 400 and "Välj en fil att ladda upp." in response.get_data(as_text=True)


@pytest.mark.parametrize("name, data", [("beslut.pdf", PDF), ("plan.docx", office_file("docx")),
                                        ("siffror.xlsx", office_file("xlsx")), ("bild.jpeg", JPEG)])
def test_good_upload_is_stored_under_a_random_name_and_downloads(app, client, auth, action, name, data):
    auth.login("admin")
    response = upload(client, action, name, data)
    assert response.status_code == 302
    document = db.session.scalar(select(Document))
    assert document.original_name == name and document.stored_name != name
    stored = Path(app.config["FOLLOWUP_UPLOAD_DIR"]) / document.stored_name
    assert stored.read_bytes() == data and name.rsplit(".")[0] not in document.stored_name
    evidence = db.session.scalar(select(Evidence))
    assert evidence.kind == "document" and evidence.label == name
    download = client.get(f"/admin/uppfoljning/dokument/{document.id}")
    assert download.status_code == 200 and download.data == data
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]


def test_evidence_kinds_link_to_existing_things_only(app, client, auth, action):
    auth.login("admin")
    url = f"/admin/uppfoljning/atgarder/{action.id}/underlag"
    bad_url = client.post(url, data={"kind": "url", "url": "javascript:alert(1)"})
    assert bad_url.status_code == 400 and "Ange en webbadress som börjar med https://" in bad_url.get_data(as_text=True)
    missing = client.post(url, data={"kind": "activity", "activity_id": "999"})
    assert missing.status_code == 400 and "Det valda underlaget finns inte." in missing.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    ok = client.post(url, data={"kind": "url", "url": "https://intranat.example/plan", "label": "Planen"})
    assert ok.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert client.post(f"/admin/uppfoljning/underlag/{evidence.id}/ta-bort").status_code == 302
    db.session.expire_all()
    assert db.session.get(Evidence, evidence.id).removed_at is not None
    page = client.get(f"/admin/uppfoljning/atgarder/{action.id}").get_data(as_text=True)
    assert "Inget underlag ännu." in page and "Planen" in page  # gone from the list, kept in the history
