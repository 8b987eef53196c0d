"""Loads Region Exempel (idempotent: a second run changes nothing).

People come in through the real directory sync, reading the embedded demo directory
(`demo/directory.py`), so the demo exercises the same code as production.
"""
from __future__ import annotations

from flask import current_app

from demo.directory import DEMO_SETTINGS
from models import utcnow


def load_people() -> dict:
    """Sync the demo directory into the database."""
    from directory.sync import run_sync

    if not current_app.config.get("LDAP_URL"):
        current_app.config.update(DEMO_SETTINGS)
    result = run_sync(utcnow(), trigger="demo")
    if not result.ok:
        raise RuntimeError(f"demo directory sync failed: {result.message}")
    return result.as_json()


def load_demo() -> dict:
    from demo.campaign import load_campaign
    from training.demo import load_demo_training
    from demo.invites import load_invites
    from followup.demo import load_demo_followup
    from demo.pulse import load_demo_pulse

    result = {"directory": load_people()}
    result["training"] = load_demo_training()
    result["campaign"] = load_campaign()
    result["invites"] = load_invites()
    result["followup"] = load_demo_followup()  # after training and campaign: it links to both
    result["pulse"] = load_demo_pulse()  # after campaign: the APT material sits in the October campaign
    return result
