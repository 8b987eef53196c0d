"""Fixtures for the scheduler tests."""
from __future__ import annotations

import pytest

from extensions import db


@pytest.fixture
def queue_mail(app):
    """Factory: queue_mail("batch", 3) enqueues three committed messages with subjects "batch 0".."batch 2"."""
    from outbox.operations import enqueue

    def make(prefix: str, n: int) -> None:
        for i in range(n):
            assert enqueue(f"{prefix}:{i}", to=f"p{i}@example.se", subject=f"{prefix} {i}", text="Hej").ok
        db.session.commit()

    return make
