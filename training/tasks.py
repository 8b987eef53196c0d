"""Scheduled jobs: the quarter-end KPI snapshot, the status cache refresh, the reminder rounds,
and deleting upload previews nobody confirmed."""
from __future__ import annotations

from training import previews, refresh, reminders, snapshots
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


def send_reminders(now) -> str:
    report = reminders.run_round(now)
    db.session.commit()
    return str(report)


def delete_previews(now) -> str:
    return f"{previews.delete_expired(now)} unconfirmed upload previews deleted"


def JOBS(app=None) -> list[Job]:  # noqa: N802  (the registry's name)
    minutes = app.config["TRAINING_REFRESH_MINUTES"] if app is not None else 15
    return [
        Job("training.quarter_snapshot", quarter_snapshot, "cron",
            {"month": "3,6,9,12", "day": "last", "hour": 23, "minute": 45},
            "Sparar utbildningsnyckeltal per enhet vid varje kvartals slut."),
        Job("training.refresh", refresh_cache, "interval", {"minutes": max(1, minutes)},
            "Räknar om utbildningsstatus (fångar upp ändringar från katalogsynken)."),
        # Right after midnight, so the day's first visitor does not wait for the recount.
        Job("training.refresh_midnight", refresh_cache, "cron", {"hour": 0, "minute": 0, "second": 30},
            "Räknar om utbildningsstatus när ett nytt dygn börjar (förseningar)."),
        # Every hour; the job itself sends only on Swedish working days within office hours.
        Job("training.reminders", send_reminders, "cron", {"minute": 10},
            "Skickar påminnelseomgångar om utbildningen, sammanfattningar till chefer och eskaleringar "
            "(arbetsdagar, kontorstid)."),
        Job("training.delete_previews", delete_previews, "cron", {"minute": 25},
            "Raderar uppladdade importfiler som aldrig bekräftades (efter TRAINING_PREVIEW_HOURS)."),
    ]
