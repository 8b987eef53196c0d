"""Uploaded LMS reports waiting for an admin to confirm the import: kept under
instance/training-uploads as `<token>.bin` (the file) and `<token>.json` (the choices
made), 0600, and deleted by a scheduled job once TRAINING_PREVIEW_HOURS have passed
without a confirmation (they hold names and e-mail addresses)."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app

from main import files


def folder() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "training-uploads"


def store(data: bytes, meta: dict, now: datetime) -> str:
    """Keep an uploaded file and its choices; returns the token that names them."""
    token = secrets.token_urlsafe(16)
    files.create_private(folder() / f"{token}.bin", data)
    files.create_private(folder() / f"{token}.json", json.dumps({**meta, "stored_at": now.isoformat()}).encode())
    return token


def _valid(token: str) -> bool:
    return bool(token) and len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


def load(token: str, now: datetime) -> tuple[bytes, dict] | None:
    """(file, choices), or None if there is no such preview or it has expired."""
    if not _valid(token):
        return None
    base = folder() / token
    try:
        meta = json.loads(base.with_suffix(".json").read_text())
        if _expired(meta, base.with_suffix(".json"), now):
            return None
        return base.with_suffix(".bin").read_bytes(), meta
    except (OSError, ValueError):
        return None


def discard(token: str) -> None:
    if _valid(token):
        for suffix in (".bin", ".json"):
            (folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _expired(meta: dict, path: Path, now: datetime) -> bool:
    try:
        stored = datetime.fromisoformat(meta["stored_at"])
    except (KeyError, TypeError, ValueError):
        stored = datetime.fromtimestamp(path.stat().st_mtime, now.tzinfo)
    return now - stored >= timedelta(hours=current_app.config["TRAINING_PREVIEW_HOURS"])


def delete_expired(now: datetime) -> int:
    """Delete every preview older than TRAINING_PREVIEW_HOURS; returns how many."""
    if not folder().is_dir():
        return 0
    deleted = 0
    for path in folder().glob("*.json"):
        try:
            meta = json.loads(path.read_text())
        except (OSError, ValueError):
            meta = {}
        try:
            if _expired(meta, path, now):
                discard(path.stem)
                deleted += 1
        except OSError:  # removed meanwhile by a confirmation
            continue
    for path in folder().glob("*.bin"):  # a file whose choices were lost
        if not path.with_suffix(".json").exists() and now.timestamp() - path.stat().st_mtime >= \
                current_app.config["TRAINING_PREVIEW_HOURS"] * 3600:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
