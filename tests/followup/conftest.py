"""Follow-up fixtures: an org with an admin and non-admins, an audit report with one
recommendation, and a small PDF/PNG/DOCX/XLSX maker for uploads."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import pytest

from extensions import db

T0 = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def audit_report(app, org):
    """The audit report "Granskning" with recommendation 1, created at T0 by the admin."""
    from followup import operations as ops

    report = ops.save_report(ops.ReportData("Granskning av informationssäkerhet", "Revisorerna"))
    rec = ops.save_recommendation(report, 1, "Gör riktlinjerna kända.", "", org["admin"], T0)
    db.session.commit()
    return report, rec


def office_file(kind: str) -> bytes:
    """A minimal DOCX or XLSX: a ZIP with the parts that identify it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
