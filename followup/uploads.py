"""Evidence uploads: only PDF, DOCX, XLSX, PNG and JPEG, recognised by their content
(magic bytes; for DOCX/XLSX the parts inside the ZIP), never by the name alone, up to
FOLLOWUP_MAX_UPLOAD_MB. Accepted files are stored under instance/uploads/followup with a
random name; refused ones leave nothing behind."""
from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from followup.errors import FollowupError
from main import files

#: Extension → file type; the content must be of that type.
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpg": "jpeg", "jpeg": "jpeg"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
SUFFIX = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpeg": "jpg"}


class UploadRefused(FollowupError):
    """The file is not accepted; `code` is a key of followup.labels.ERRORS."""


@dataclass(frozen=True)
class Accepted:
    file_type: str
    data: bytes
    sha256: str


def sniff(data: bytes) -> str | None:
    """The file type the content is, by its first bytes (and ZIP parts for Office files)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check(filename: str, stream: BinaryIO, max_bytes: int) -> Accepted:
    """Read and check an upload; raises UploadRefused with the reason."""
    if not filename:
        raise UploadRefused("file_missing")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise UploadRefused("file_type")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused("file_too_large")
    if not data:
        raise UploadRefused("file_empty")
    found = sniff(data)
    if found is None:
        raise UploadRefused("file_type")
    if found != EXTENSIONS[extension]:
        raise UploadRefused("file_mismatch")
    return Accepted(found, data, hashlib.sha256(data).hexdigest())


def upload_dir() -> Path:
    return Path(current_app.config["FOLLOWUP_UPLOAD_DIR"])


def max_bytes() -> int:
    return int(current_app.config["FOLLOWUP_MAX_UPLOAD_MB"]) * 1024 * 1024


def store(accepted: Accepted) -> str:
    """Write the file under a new random name (never the uploaded one); returns that name."""
    name = f"{secrets.token_hex(16)}.{SUFFIX[accepted.file_type]}"
    files.create_private(upload_dir() / name, accepted.data)
    return name


def discard(name: str) -> None:
    """Remove a stored file again (its database row was not saved)."""
    try:
        (upload_dir() / name).unlink()
    except FileNotFoundError:
        pass


def path_of(name: str) -> Path:
    return upload_dir() / name
