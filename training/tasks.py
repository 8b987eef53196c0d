"""Scheduled jobs: the quarter-end KPI snapshot and the status cache refresh."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from extensions import db
from jobs.registry import Job
from training import freshness, snapshots


def quarter_snapshot(now) -> str:
    rows = snapshots.take_snapshots(now, kind="quarter")
    db.session.commit()
    return f"{rows} unit snapshots taken"


def refresh_cache(now) -> str:
    """Stale requirements and queued people; "" when there was nothing to do."""
    return freshness.run_pending(now)


def JOBS(app=None) -> list[Job]:  # noqa: N802  (the registry's name)
    seconds = app.config["TRAINING_REFRESH_SECONDS"] if app is not None else 15
    return [
        Job("training.quarter_snapshot", quarter_snapshot, "cron",
            {"month": "3,6,9,12", "day": "last", "hour": 23, "minute": 45},
            _l("Sparar utbildningsnyckeltal per enhet vid varje kvartals slut.")),
        Job("training.refresh", refresh_cache, "interval", {"seconds": max(1, seconds)},
            _l("Räknar om utbildningsstatus som väntar (katalogsynk, kravändringar, köade personer, nytt dygn).")),
        # Right after midnight: pages never recount, so the new day's figures come from here.
        Job("training.refresh_midnight", refresh_cache, "cron", {"hour": 0, "minute": 0, "second": 30},
            _l("Räknar om utbildningsstatus när ett nytt dygn börjar (förseningar).")),
    ]
