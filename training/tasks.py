"""Scheduled jobs: the quarter-end KPI snapshot and the status cache refresh."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from training import refresh, snapshots
from jobs.registry import Job
from extensions import db


def quarter_snapshot(now) -> str:
    rows = snapshots.take_snapshots(now, kind="quarter")
    db.session.commit()
    return f"{rows} unit snapshots taken"


def refresh_cache(now) -> str:
    covered = refresh.refresh_all(now)
    db.session.commit()
    return f"status cache refreshed, {covered} people covered"


def JOBS(app=None) -> list[Job]:  # noqa: N802  (the registry's name)
    minutes = app.config["TRAINING_REFRESH_MINUTES"] if app is not None else 15
    return [
        Job("training.quarter_snapshot", quarter_snapshot, "cron",
            {"month": "3,6,9,12", "day": "last", "hour": 23, "minute": 45},
            _l("Sparar utbildningsnyckeltal per enhet vid varje kvartals slut.")),
        Job("training.refresh", refresh_cache, "interval", {"minutes": max(1, minutes)},
            _l("Räknar om utbildningsstatus (fångar upp ändringar från katalogsynken).")),
        # Right after midnight, so the day's first visitor does not wait for the recount.
        Job("training.refresh_midnight", refresh_cache, "cron", {"hour": 0, "minute": 0, "second": 30},
            _l("Räknar om utbildningsstatus när ett nytt dygn börjar (förseningar).")),
    ]
