"""The admin's retention overview and the record of processing (HTML and DOCX)."""
from __future__ import annotations

import io

import time_machine

from tests.privacy.conftest import NOW


def test_retention_page_lists_every_category_with_period_and_oldest_item(client, auth, history):
    from privacy.retention import CATEGORIES

    auth.login("admin")
    with time_machine.travel(NOW, tick=False):
        page = client.get("/admin/gallring").get_data(as_text=True)
    for category in CATEGORIES:
        assert f'id="category-{category.name}"' in page and str(category.label) in page
    assert "90 dagar" in page and "RETENTION_LEAVER_YEARS" in page
    assert 'datetime="2023-01-01T09:00:00' in page  # the oldest audit event still held
    assert "Nästa körning" in page


def test_record_of_processing_page_and_docx(client, auth, org):
    from docx import Document

    auth.login("admin")
    page = client.get("/admin/dataskydd").get_data(as_text=True)
    assert "Registerförteckning: Vaksam" in page and "Regionstyrelsen, Region Exempel" in page
    assert "RETENTION_MAIL_DAYS" in page and "Mottagare och källor" in page
    response = client.get("/admin/dataskydd/registerforteckning.docx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kategorier av personuppgifter, ändamål och lagringstider" in text
    assert any("E-postens innehåll" in cell.text for table in doc.tables for cell in table.columns[0].cells)


def test_record_of_processing_is_for_admins_only(client, auth, org):
    auth.login("carl")
    assert client.get("/admin/dataskydd").status_code == 403
    assert client.get("/admin/gallring").status_code == 403


def test_retention_page_speaks_english_but_the_record_stays_swedish(client, auth, org):
    from flask_babel import refresh

    auth.login("admin")
    client.post("/sprak", data={"lang": "en"})
    refresh()  # the test client's requests share the test's app context, where Flask-Babel caches the locale
    page = client.get("/admin/gallring").get_data(as_text=True)
    assert "Mail content" in page and "90 days" in page and "E-postens innehåll" not in page
    record = client.get("/admin/dataskydd").get_data(as_text=True)
    assert "E-postens innehåll" in record and "90 dagar" in record and "Mail content" not in record
