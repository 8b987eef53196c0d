"""Outbox tests send to the real aiosmtpd test server (tests/services.SmtpServer)."""
from __future__ import annotations

import pytest

from extensions import db


@pytest.fixture
def app_config(smtp, tmp_path):
    return {
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": smtp.port,
        "SMTP_STARTTLS": False,
        "SMTP_MAX_PER_MINUTE": 0,
        "SMTP_TIMEOUT": 5,
        "MAIL_FROM": "Vaksam <vaksam@region.example>",
        "OUTBOX_MAIL_DIR": str(tmp_path / "mail"),
    }


@pytest.fixture
def queue(app):
    """Factory: queue(3) enqueues three messages (committed) and returns their row ids."""
    from outbox.operations import enqueue

    counter = iter(range(1_000_000))

    def make(n: int = 1, prefix: str = "test", **fields) -> list[int]:
        ids = []
        for _ in range(n):
            i = next(counter)
            kwargs = {"to": f"person{i}@example.se", "subject": f"{prefix} {i}", "text": f"Hej nummer {i}"}
            kwargs.update(fields)
            result = enqueue(f"{prefix}:{i}", **kwargs)
            assert result.outcome == "queued", result
            ids.append(result.message_id)
        db.session.commit()
        return ids

    return make
