"""Loads Region Exempel (idempotent: a second run changes nothing).

People come in through the real directory sync, reading the embedded demo directory
(`demo/directory.py`), so the demo exercises the same code as production.
"""
from __future__ import annotations

from flask import current_app

from demo import logins
from extensions import db
from models import utcnow


def load_people() -> dict:
    """Sync the demo directory into the database (the running app's settings are read, never
    changed: demo mode has already pointed LDAP_URL at the embedded directory), then give the
    demo log-ins their random passwords."""
    from directory.sync import run_sync

    if not current_app.config.get("DEMO_MODE") or not current_app.config.get("LDAP_URL"):
        raise RuntimeError("the demo loads only with DEMO_MODE=1 (and the embedded directory, LDAP_URL=demo)")
    result = run_sync(utcnow(), trigger="demo")
    if not result.ok:
        raise RuntimeError(f"demo directory sync failed: {result.message}")
    logins.ensure_passwords()
    db.session.commit()
    return result.as_json()


def load_demo() -> dict:
    from demo.campaign import load_campaign
    from demo.invites import load_invites
    from demo.pulse import load_demo_pulse
    from followup.demo import load_demo_followup
    from training.demo import load_demo_training

    result: dict[str, object] = {"directory": load_people()}
    result["training"] = load_demo_training()
    result["campaign"] = load_campaign()
    result["invites"] = load_invites()
    result["followup"] = load_demo_followup()  # after training and campaign: it links to both
    result["logins"] = [{"role": row.role, "username": row.username, "password": row.password}
                        for row in logins.current()]
    result["pulse"] = load_demo_pulse()  # after campaign: the APT material sits in the October campaign
    return result
