"""Invitation fixtures: a small region, activities made through the campaign's own operations,
the SMTP test server, and libical (through /usr/bin/python3) as an independent parser."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extensions import db

#: "Now" for activities in October 2024 / March 2025 (before them, so they can be created).
BEFORE = datetime(2024, 9, 2, 8, 0, tzinfo=timezone.utc)
ORGANIZER = "Informationssäkerhet <sakerhet@region.example>"


@pytest.fixture
def app_config(mail_config):
    return {**mail_config, "INVITE_ORGANIZER": ORGANIZER, "INVITE_ALARM_MINUTES": 15}


@pytest.fixture(autouse=True)
def _fresh_feed_cache():
    from invites import feeds

    feeds.clear_cache()
    yield
    feeds.clear_cache()


@pytest.fixture
def world(app, make_person, make_unit):
    """Units HSF > Akut, and RS; Anna and Bo at Akut, Rut at RS, one without e-mail; a planner."""
    from directory.tree import rebuild_closure, rebuild_unit_paths

    hsf = make_unit("HSF", "Hälso- och sjukvårdsförvaltningen")
    akut = make_unit("HSF/Akut", "Akutkliniken", parent=hsf)
    rs = make_unit("RS", "Regionservice")
    people = {
        "anna": make_person("anna", unit=akut, given_name="Anna", family_name="Åström",
                            display_name="Anna Åström"),
        "bo": make_person("bo", unit=akut, given_name="Bo"),
        "cia": make_person("cia", unit=akut, given_name="Cia"),
        "rut": make_person("rut", unit=rs, given_name="Rut"),
        "noemail": make_person("noemail", unit=akut, email=None),
        "comms": make_person("comms", roles=("comms",), unit=rs, given_name="Kim"),
    }
    rebuild_closure(db.session)
    rebuild_unit_paths(db.session)
    db.session.commit()
    return {"units": {"hsf": hsf, "akut": akut, "rs": rs}, **people}


@pytest.fixture
def make_activity(world):
    """Factory through campaign.activities.save_activity (the real operation; invites hears its signal)."""
    from campaign import activities

    state = {}

    def make(starts_at: datetime, ends_at: datetime, *, now: datetime = BEFORE, **fields):
        if "campaign" not in state:
            data = activities.CampaignData("Säkerhetsmånaden", starts_at.date(), ends_at.date(), "",
                                           ["Säkert Beteende"], world["comms"].id)
            state["campaign"] = activities.save_campaign(data, world["comms"], now)
        units = fields.pop("units", None)
        data = activities.ActivityData(
            title=fields.pop("title", "Lunchföreläsning: Klassa din information"),
            description=fields.pop("description", "Om informationsklassning."), theme="Säkert Beteende",
            kind=fields.pop("kind", "lecture"), starts_at=starts_at, ends_at=ends_at,
            place=fields.pop("place", "Aulan, Regionhuset"), online_url=fields.pop("online_url", ""),
            whole_region=units is None, capacity=fields.pop("capacity", None), organiser_id=world["comms"].id,
            status=fields.pop("status", "confirmed"), unit_ids=[u.id for u in units or []])
        assert not fields, fields
        activity = activities.save_activity(state["campaign"], data, world["comms"], now)
        db.session.commit()
        return activity

    return make


def activity_data(activity, **changes):
    """The ActivityData of an existing activity with some fields changed (for updates)."""
    from campaign import activities

    values = {name: getattr(activity, name) for name in (
        "title", "description", "theme", "kind", "starts_at", "ends_at", "place", "online_url", "whole_region",
        "capacity", "organiser_id", "status")}
    values["unit_ids"] = [u.id for u in activity.units]
    values.update(changes)
    return activities.ActivityData(**values)


@pytest.fixture
def update_activity(world):
    """update_activity(activity, now=…, **changes): save_activity with changes, committed."""
    from campaign import activities

    def update(activity, *, now: datetime = BEFORE, **changes):
        saved = activities.save_activity(activity.campaign, activity_data(activity, **changes), world["comms"], now,
                                         activity)
        db.session.commit()
        return saved

    return update


@pytest.fixture(scope="session")
def dovecot_server():
    """Debian's dovecot-imapd, plain IMAP on 127.0.0.1 (one per session; each test has its own user)."""
    from tests.services import Dovecot

    with Dovecot() as server:
        yield server


@pytest.fixture
def imap(dovecot_server):
    """The test's own organiser mailbox (the static passdb lets any user in with the one password)."""
    import uuid

    from tests.services import Dovecot

    box = Dovecot.__new__(Dovecot)
    box.__dict__.update(dovecot_server.__dict__)
    box.user = f"organiser-{uuid.uuid4().hex[:12]}@region.example"
    return box


def imap_config(box) -> dict:
    """IMAP_* settings that read `box` (plain IMAP: the server is on this host)."""
    return {"IMAP_HOST": box.host, "IMAP_PORT": box.port, "IMAP_TLS": "implicit" if box.tls else "off",
            "IMAP_USERNAME": box.user, "IMAP_PASSWORD": box.password, "IMAP_FOLDER": "INBOX",
            "IMAP_DONE_FOLDER": "", "IMAP_UNKNOWN_FOLDER": "INBOX/Vaksam-okänt",
            "IMAP_CA_FILE": box.tls["ca_cert"] if box.tls else ""}
