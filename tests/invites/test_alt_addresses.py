"""Alternative addresses from a real slapd (further `mail` values, the EMAIL_PROXY attribute):
the directory sync stores and replaces them, and a calendar reply from one finds its person."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from directory.sync import run_sync
from extensions import db
from invites import registration
from invites.replies import poll
from models import Attendee, Person, PersonAddress
from tests.directory.conftest import Tree, slapd  # noqa: F401  (the session's slapd fixture)
from tests.invites import clients
from tests.invites.conftest import BEFORE, ORGANIZER, imap_config

UTC = timezone.utc
OCT8 = datetime(2024, 10, 8, 10, 0, tzinfo=UTC)


@pytest.fixture
def tree(slapd):  # noqa: F811
    return Tree(slapd)


@pytest.fixture
def app_config(mail_config, imap, tree):
    return {**mail_config, **tree.settings(), "INVITE_ORGANIZER": ORGANIZER, **imap_config(imap)}


def addresses(username: str) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(PersonAddress.address).join(Person, Person.id == PersonAddress.person_id)
                                  .where(Person.username == username)))


def test_sync_stores_and_replaces_alternative_addresses(app, tree, monkeypatch):
    monkeypatch.setenv("LDAP_ATTR_EMAIL_PROXY", "carLicense")  # any multi-valued attribute can hold them
    tree.add(tree.entry("ann"), tree.entry("ben"))
    tree.modify("ann", mail=["ann@example.se", "Ann.Berg@Example.se"],
                carLicense=["SMTP:ann@example.se", "smtp:ann@gamla.example", "X400:c=SE;s=Berg"])
    tree.modify("ben", mail=["ben@example.se", "delad@example.se"])
    tree.modify("ann", carLicense=["smtp:ann@gamla.example", "smtp:delad@example.se"])
    assert run_sync(BEFORE).ok
    assert addresses("ann") == {"ann.berg@example.se", "ann@gamla.example"}  # "delad" is claimed twice
    assert addresses("ben") == set()

    tree.modify("ann", mail=["ann@example.se"], carLicense=["smtp:ann.ny@example.se"])
    tree.modify("ben", mail=["ben@example.se", "ann.berg@example.se"])  # moves from Ann to Ben in one run
    assert run_sync(BEFORE + timedelta(days=1)).ok
    assert addresses("ann") == {"ann.ny@example.se"}
    assert addresses("ben") == {"ann.berg@example.se"}

    assert run_sync(BEFORE + timedelta(days=2)).ok  # unchanged: nothing rewritten
    assert addresses("ann") == {"ann.ny@example.se"} and addresses("ben") == {"ann.berg@example.se"}


def test_reply_from_an_alternative_address_is_matched(app, tree, world, make_activity, imap):
    tree.add(tree.entry("dan"))
    tree.modify("dan", mail=["dan@example.se", "dan.privat@example.org"])
    assert run_sync(BEFORE).ok
    db.session.commit()
    dan = db.session.scalar(select(Person).where(Person.username == "dan"))
    activity = make_activity(OCT8, OCT8 + timedelta(hours=1), capacity=10)
    registration.register(activity, dan, BEFORE)
    db.session.commit()
    imap.append(clients.apple(activity.uid, "Dan.Privat@example.org", "Dan", "DECLINED"))

    assert poll(BEFORE + timedelta(hours=1)).by_outcome == {"applied": 1}
    db.session.commit()
    row = db.session.scalar(select(Attendee).where(Attendee.activity_id == activity.id, Attendee.person_id == dan.id))
    assert row.partstat == "DECLINED"
