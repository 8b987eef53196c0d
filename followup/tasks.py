"""The follow-up's scheduled job: record the computed KPIs of a quarter that has ended."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from extensions import db
from followup import kpis
from jobs.registry import Job


def record_kpis(now) -> str:
    recorded = kpis.record_due(now)
    db.session.commit()
    quarter = kpis.due_quarter(now).isoformat()
    return f"{len(recorded)} KPI values recorded for the quarter ending {quarter}" if recorded \
        else f"nothing due (quarter ending {quarter} already recorded)"


def JOBS(app=None) -> list[Job]:  # noqa: N802  (the registry's name)
    minutes = app.config["FOLLOWUP_KPI_POLL_MINUTES"] if app is not None else 60
    return [
        Job("followup.record_kpis", record_kpis, "interval", {"minutes": max(1, minutes)},
            _l("Sparar uppföljningens beräknade nyckeltal för det senast avslutade kvartalet "
            "(en gång per kvartal; tar igen ett missat kvartalsslut).")),
    ]
