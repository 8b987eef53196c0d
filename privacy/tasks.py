"""The nightly retention job: every category of privacy/retention.py, in batches."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from jobs.registry import Job
from privacy import operations


def run_retention(now) -> str:
    result = operations.run(now, dry_run=False)
    done = sum(max(0, c["done"]) for c in result["categories"].values())
    failed = [name for name, c in result["categories"].items() if c["due"] < 0]
    return f"{done} items removed or pseudonymised" + (f"; failed: {', '.join(failed)}" if failed else "")


def JOBS(app=None) -> list[Job]:
    hour, minute = (app.config["RETENTION_TIME"] if app is not None else "03:50").split(":")
    return [
        Job("privacy.retention", run_retention, "cron", {"hour": int(hour), "minute": int(minute)},
            _l("Gallrar personuppgifter enligt gallringsreglerna (e-postinnehåll, IP-adresser, gamla "
               "logghändelser, filer, personer som slutat, anmälningar).")),
    ]

