"""A committed directory sync tells the other packages (signals.directory_synced); a dry run does not."""
from __future__ import annotations

from datetime import datetime, timezone

import signals
from directory.sync import run_sync

NOW = datetime(2024, 9, 2, 2, 30, tzinfo=timezone.utc)


def test_sync_sends_directory_synced_after_commit_and_a_dry_run_does_not(app, tree):
    tree.add(tree.entry("chef"), tree.entry("ann", manager="chef"))
    seen = []

    def receiver(sender, **kwargs):
        from sqlalchemy import func, select

        from extensions import db
        from models import Person

        seen.append((sender, kwargs["run_id"], db.session.scalar(select(func.count()).select_from(Person))))

    signals.directory_synced.connect(receiver)
    try:
        run_sync(NOW, dry_run=True)
        assert seen == []
        result = run_sync(NOW)
        assert [(s is app, run_id, n) for s, run_id, n in seen] == [(True, result.run_id, 2)]
    finally:
        signals.directory_synced.disconnect(receiver)
