"""Writes of the privacy package: a retention run, and producing a register extract (audited)."""
from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from flask_babel import force_locale

import audit
from models import Person
from privacy import documents, extract
from privacy.purge import Run, run_all
from privacy.retention import periods

FORMATS = ("pdf", "json")


def run(now: datetime, dry_run: bool = False, batch_size: int | None = None) -> dict:
    """Apply (or with `dry_run` only count) every retention category as of `now`.

    Returns {"ok", "dry_run", "categories": {name: {"due", "done"}}}; a category that failed
    has due -1 and ok is False."""
    config = current_app.config
    size = batch_size or config["RETENTION_BATCH_SIZE"]
    outcomes = run_all(Run(now, periods(config), dry_run, size))
    categories = {name: {"due": o.due, "done": o.done} for name, o in outcomes.items()}
    return {"ok": all(o.due >= 0 for o in outcomes.values()), "dry_run": dry_run, "categories": categories}


def produce_extract(person: Person, fmt: str, now: datetime, actor_id: int | None = None) -> bytes:
    """The register extract as PDF or JSON bytes; recorded in the audit log (committed)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    with force_locale("sv"):  # a Swedish document by purpose, whatever the asker's language
        data = extract.build(person, now)
    body = documents.extract_pdf(data) if fmt == "pdf" else \
        json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    audit.record("person.extract", "person", person.id, {"format": fmt}, actor_id=actor_id)
    return body
