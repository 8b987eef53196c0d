"""The incremental sync reads entries by the full sync's rules (directory.reading.collect)."""
from __future__ import annotations

from datetime import timedelta

import ldap3

from directory.changes import run_changes
from directory.sync import run_sync
from tests.directory.test_changes import NOW
from tests.directory.test_sync import person, small_org


def test_a_line_break_in_a_changed_title_is_cleaned_and_reported(app, tree):
    small_org(tree)
    assert run_sync(NOW).ok and run_changes(NOW).ok
    tree.modify("ann", title="Sjuksköterska\r\nBcc: alla@example.se")
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.updated == 1
    assert person("ann").title == "Sjuksköterska Bcc: alla@example.se"
    [problem] = [p for p in result.problems["invalid"] if p.get("username") == "ann"]
    assert problem["fields"] == ["title"] and "line break" in problem["reason"]


def test_a_user_name_taken_twice_among_changed_entries_is_refused(app, tree):
    small_org(tree)
    assert run_sync(NOW).ok and run_changes(NOW).ok
    tree.add(tree.entry("ann2", given="Ann", sn="Annan", manager="lead", top="HSF", unit="Akutkliniken"))
    conn = tree.connection()  # the directory lets two entries share a uid; Vaksam refuses the second
    assert conn.modify(tree.dns["ann2"], {"uid": [(ldap3.MODIFY_REPLACE, ["ann"])]}), conn.result
    conn.unbind()
    tree.modify("ann", title="Undersköterska")
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.created == 0
    assert any("duplicate id or user name (ann)" in p["reason"] for p in result.problems["invalid"])


def test_a_changed_disabled_account_is_left_to_the_full_sync(app, tree):
    small_org(tree)
    assert run_sync(NOW).ok and run_changes(NOW).ok
    tree.add(tree.entry("gone", manager="lead", top="HSF", unit="Akutkliniken"))
    tree.modify("gone", description="disabled")  # LDAP_DISABLED_FILTER of the test settings
    tree.modify("ben", description="disabled", title="Slutat")
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok and result.created == 0 and result.updated == 0 and result.deactivated == 0
    assert person("gone") is None and person("ben").active and person("ben").title != "Slutat"


def test_a_second_mail_address_arrives_with_the_incremental_sync(app, tree):
    from sqlalchemy import select

    from extensions import db
    from models import PersonAddress

    small_org(tree)
    tree.modify("ben", mail=["ben@example.se", "delad@example.se"])
    assert run_sync(NOW).ok and run_changes(NOW).ok
    tree.modify("ann", mail=["ann@example.se", "Ann.Berg@Example.se", "delad@example.se"])
    result = run_changes(NOW + timedelta(minutes=15))
    assert result.ok
    db.session.expire_all()
    stored = set(db.session.execute(select(PersonAddress.person_id, PersonAddress.address)).all())
    # Ann gets her own new address; "delad", which Ben holds, never goes to her (if Ben's entry was read
    # again in the same run it is claimed twice and, as in the full sync, stored for nobody)
    assert (person("ann").id, "ann.berg@example.se") in stored
    assert {pid for pid, address in stored if address == "delad@example.se"} <= {person("ben").id}
