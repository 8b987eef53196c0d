"""The directory sync against a real slapd."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from directory.sync import run_sync
from extensions import db
from models import DirectorySyncRun, Person, PersonAncestor, RoleGrant, Unit
from tests.directory.conftest import READER_DN, READER_PASSWORD, SUFFIX

NOW = datetime(2024, 9, 2, 2, 30, tzinfo=timezone.utc)


def person(username: str) -> Person:
    return db.session.scalar(select(Person).where(Person.username == username))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


HSF = "Hälso- och sjukvårdsförvaltningen"


def small_org(tree):
    tree.add(
        tree.entry("chef", given="Åsa", sn="Öberg", top=HSF),
        tree.entry("lead", given="Märta", sn="Ström", manager="chef", top=HSF, unit="Akutkliniken"),
        tree.entry("ann", given="Ann", sn="Berg", manager="lead", top=HSF, unit="Akutkliniken/Akutmottagningen"),
        tree.entry("ben", given="Ben", sn="Ek", manager="lead", top=HSF, unit="Akutkliniken/Akutmottagningen"),
    )


def test_more_than_the_size_limit_is_synced_through_paging(app, tree):
    tree.add(tree.entry("boss"))
    tree.add_many(620, manager="boss")
    result = run_sync(NOW)
    assert result.ok, result.message
    assert result.seen == 621 and result.created == 621
    assert count(Person, Person.active.is_(True)) == 621
    assert person("boss").subtree_size == 620


def test_account_without_paging_rights_fails_safely(app, tree):
    tree.add(tree.entry("boss"))
    tree.add_many(620, manager="boss")
    app.config.update(LDAP_BIND_DN=READER_DN, LDAP_BIND_PASSWORD=READER_PASSWORD)
    result = run_sync(NOW)
    assert not result.ok
    assert "sizeLimitExceeded" in result.message and "Nothing was changed" in result.message
    assert count(Person) == 0
    run = db.session.scalars(select(DirectorySyncRun)).one()
    assert run.outcome == "failed" and "sizeLimitExceeded" in run.message


def test_swedish_names_units_and_tree(app, tree):
    small_org(tree)
    result = run_sync(NOW)
    assert result.ok, result.message
    ann = person("ann")
    assert ann.display_name == "Ann Berg" and ann.email == "ann@example.se"
    assert ann.unit.key == "Hälso- och sjukvårdsförvaltningen/Akutkliniken/Akutmottagningen"
    assert ann.unit.parent.name == "Akutkliniken" and ann.unit.level == 2
    assert ann.manager.username == "lead" and ann.manager.manager.username == "chef"
    chef = person("chef")
    below = set(db.session.scalars(select(PersonAncestor.descendant_id).where(PersonAncestor.ancestor_id == chef.id)))
    assert below == {person(u).id for u in ("lead", "ann", "ben")}
    assert result.units == 3


def test_manager_values_that_need_escaping_match(app, tree):
    tree.add(
        tree.entry("boss1", cn='Lindqvist, Åsa "Boss" + Co', sn="Lindqvist"),
        tree.entry("boss2", cn="Öberg\\Nilsson; #1", sn="Öberg"),
    )
    # The managers are written differently from how slapd stores the DNs: upper case,
    # spaces around separators, hex escapes for the comma and the UTF-8 letters.
    dn1 = tree.dns["boss1"].replace("cn=", "CN=").replace(",ou=", " , OU=")
    dn1_hex = dn1.replace("\\,", "\\2C").replace("Å", "\\C3\\85")
    tree.add(
        tree.entry("w1", manager="raw:" + dn1),
        tree.entry("w2", manager="raw:" + dn1_hex),
        tree.entry("w3", manager="boss2"),
    )
    result = run_sync(NOW)
    assert result.ok, result.message
    assert result.problems["dangling_manager"] == []
    assert person("w1").manager.username == "boss1"
    assert person("w2").manager.username == "boss1"
    assert person("w3").manager.username == "boss2"


def test_cycle_self_manager_and_dangling_are_reported(app, tree):
    tree.add(tree.entry("top"), tree.entry("x", manager="top"))
    tree.add(tree.entry("a", manager="raw:cn=placeholder,o=nowhere"), tree.entry("b", manager="a"))
    tree.modify("a", manager=tree.dns["b"])  # a <-> b
    tree.add(tree.entry("selfie", manager="raw:cn=tmp,o=nowhere"))
    tree.modify("selfie", manager=tree.dns["selfie"])
    tree.add(tree.entry("orphan", manager=f"raw:cn=Gone\\, Person,{tree.base}"))
    result = run_sync(NOW)
    assert result.ok, result.message
    assert [p["username"] for p in result.problems["dangling_manager"]] == ["orphan"]
    flat = {u for group in result.problems["cycles"] for u in group}
    assert flat == {"a", "b", "selfie"}
    for name in ("a", "b", "selfie", "orphan"):
        assert person(name).manager_unknown and person(name).manager_id is None, name
    assert not person("x").manager_unknown and person("x").manager.username == "top"


def test_rename_and_move_keep_the_same_person(app, tree):
    small_org(tree)
    tree.add(tree.entry("boss2", top="Regionservice"))
    run_sync(NOW)
    ann_id = person("ann").id
    tree.ensure_ou("Flyttade")
    tree.move("ann", new_cn="Berg-Ek, Ann", ou="Flyttade")
    tree.modify("ann", ou="Regionservice", departmentNumber="IT-avdelningen", manager=tree.dns["boss2"],
                sn="Berg-Ek", displayName="Ann Berg-Ek")
    result = run_sync(NOW + timedelta(days=1))
    assert result.ok, result.message
    ann = person("ann")
    assert ann.id == ann_id and ann.display_name == "Ann Berg-Ek"
    assert ann.unit.key == "Regionservice/IT-avdelningen" and ann.manager.username == "boss2"
    assert "ou=flyttade" in ann.dn_norm
    assert result.moved == 1 and result.created == 0
    assert person("lead").subtree_size == 1


def test_second_sync_without_changes_changes_nothing(app, tree):
    small_org(tree)
    run_sync(NOW)
    before = {p.id: p.updated_at for p in db.session.scalars(select(Person))}
    result = run_sync(NOW + timedelta(hours=1))
    assert result.ok and (result.created, result.updated, result.moved) == (0, 0, 0)
    db.session.expire_all()
    assert {p.id: p.updated_at for p in db.session.scalars(select(Person))} == before


def test_leaver_grace_period_and_return(app, tree):
    small_org(tree)
    tree.add_many(30, manager="chef", prefix="q")
    run_sync(NOW)
    ben_id = person("ben").id
    conn = tree.connection()
    rdn, home = tree.dns["ben"].split(",ou=", 1)
    home = "ou=" + home
    assert conn.modify_dn(tree.dns["ben"], rdn, new_superior=f"ou=service,{SUFFIX}")  # out of the search base
    first = run_sync(NOW + timedelta(days=1))
    assert first.ok and first.missing == 1 and first.deactivated == 0
    assert person("ben").active and person("ben").missing_since is not None
    early = run_sync(NOW + timedelta(days=7))
    assert early.deactivated == 0 and person("ben").active
    late = run_sync(NOW + timedelta(days=8, hours=1))
    assert late.ok and late.deactivated == 1
    ben = person("ben")
    assert not ben.active and ben.deactivated_at is not None and ben.id == ben_id
    assert person("lead").subtree_size == 1  # ben left the tree, still in the table
    assert conn.modify_dn(f"{rdn},ou=service,{SUFFIX}", rdn, new_superior=home)  # back, same entryUUID
    back = run_sync(NOW + timedelta(days=20))
    assert back.ok and back.reactivated == 1
    ben = person("ben")
    assert ben.active and ben.missing_since is None and ben.id == ben_id
    assert person("lead").subtree_size == 2


def test_recreated_entry_is_a_new_person_and_the_old_one_keeps_its_history(app, tree):
    small_org(tree)
    tree.add_many(30, manager="chef", prefix="q")
    run_sync(NOW)
    old_id = person("ben").id
    tree.delete("ben")
    run_sync(NOW + timedelta(days=1))
    run_sync(NOW + timedelta(days=9))
    tree.add(tree.entry("ben", given="Ben", sn="Ek", manager="lead", top=HSF))  # new entryUUID
    result = run_sync(NOW + timedelta(days=10))
    assert result.ok and result.created == 1, result.message
    assert person("ben").id != old_id and person("ben").active
    old = db.session.get(Person, old_id)
    assert not old.active and old.username == f"ben~{old_id}"


def test_mass_disappearance_is_refused(app, tree):
    small_org(tree)
    tree.add_many(40, manager="chef", prefix="q")
    run_sync(NOW)
    for i in range(10):
        tree.delete(f"q{i:04d}")
    result = run_sync(NOW + timedelta(days=1))
    assert not result.ok and "LDAP_MAX_DEACTIVATE_RATIO" in result.message
    assert count(Person, Person.missing_since.is_not(None)) == 0
    assert db.session.scalars(select(DirectorySyncRun).order_by(DirectorySyncRun.id.desc())).first().outcome == "refused"


def test_disabled_people_are_deactivated(app, tree):
    small_org(tree)
    tree.add_many(30, manager="chef", prefix="q")
    run_sync(NOW)
    tree.modify("ben", description="disabled")
    result = run_sync(NOW + timedelta(days=1))
    assert result.ok and result.deactivated == 1 and not person("ben").active


def test_server_dying_mid_sync_changes_nothing(app, tree, slapd):
    small_org(tree)
    tree.add_many(450, manager="chef", prefix="q")
    run_sync(NOW)
    app.config["LDAP_PAGE_SIZE"] = 50
    tree.delete("ann")

    def kill_after_first_page(pages, entries):
        if pages == 1:
            slapd.kill()

    try:
        result = run_sync(NOW + timedelta(days=30), on_page=kill_after_first_page)
    finally:
        slapd.start()
    assert not result.ok and "Nothing was changed" in result.message
    assert person("ann").missing_since is None and count(Person, Person.active.is_(False)) == 0


def test_wrong_service_password_is_a_clear_error(app, tree):
    small_org(tree)
    app.config["LDAP_BIND_PASSWORD"] = "wrong"
    result = run_sync(NOW)
    assert not result.ok and "refused the password" in result.message
    assert count(Person) == 0


def test_unreachable_server_is_a_clear_error(app, tree):
    from tests.services import free_port

    app.config["LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"
    result = run_sync(NOW)
    assert not result.ok and "Cannot reach" in result.message


def test_dry_run_changes_nothing_but_reports(app, tree):
    small_org(tree)
    result = run_sync(NOW, dry_run=True)
    assert result.ok and result.dry_run and result.created == 4
    assert count(Person) == 0 and count(Unit) == 0


def test_group_roles_from_the_directory(app, tree):
    small_org(tree)
    app.config["LDAP_ADMIN_GROUP_DN"] = tree.group("admins", ["ann"])
    app.config["LDAP_COMMS_GROUP_DN"] = tree.group("comms", ["ben", "lead"])
    run_sync(NOW)
    assert "admin" in person("ann").roles
    assert {"comms"} <= person("ben").roles and "admin" not in person("ben").roles
    tree.modify("admins", member=[tree.dns["ben"]]) if "admins" in tree.dns else None
    conn = tree.connection()
    import ldap3

    conn.modify(app.config["LDAP_ADMIN_GROUP_DN"], {"member": [(ldap3.MODIFY_REPLACE, [tree.dns["ben"]])]})
    run_sync(NOW + timedelta(hours=1))
    db.session.expire_all()
    assert "admin" not in person("ann").roles and "admin" in person("ben").roles
    assert count(RoleGrant, RoleGrant.source == "directory") == 3


def test_cli_json_output_and_exit_codes(runner, app, tree):
    small_org(tree)
    result = runner.invoke(args=["directory", "sync", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"ok", "dry_run", "seen", "created", "updated", "moved", "missing", "deactivated",
                         "reactivated", "units", "problems", "seconds"}
    assert set(data["problems"]) >= {"dangling_manager", "cycles", "no_mail"}
    assert data["ok"] is True and data["created"] == 4
    app.config["LDAP_BIND_PASSWORD"] = "wrong"
    failed = runner.invoke(args=["directory", "sync", "--json"])
    assert failed.exit_code == 1 and json.loads(failed.output)["ok"] is False


def test_missing_mail_is_reported(app, tree):
    tree.add(tree.entry("nomail", mail=False))
    result = run_sync(NOW)
    assert result.problems["no_mail"] == ["nomail"] and person("nomail").email is None


def _b64(value: str) -> str:
    import base64

    return base64.b64encode(value.encode()).decode()


def test_control_characters_in_directory_values_are_cleaned_or_refused_and_reported(app, tree):
    """A crafted entry: CR/LF in the names and title, a header injection in the mail address."""
    dn = tree.dn_for("evil", "Evil, Eve")
    tree.add(
        tree.entry("chef", given="Åsa", sn="Öberg"),
        f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: evil\ncn: Evil, Eve\nsn:: {_b64('Evil')}\n"
        f"givenName:: {_b64('Eve' + chr(13) + chr(10) + 'Bcc: victim@example.se')}\n"
        f"displayName:: {_b64('Eve Evil' + chr(10) + 'Subject: hi')}\n"
        f"title:: {_b64('Chef' + chr(0) + chr(9) + 'för allt')}\n"
        f"mail:: {_b64('evil@example.se' + chr(13) + chr(10) + 'Bcc: victim@example.se')}\n"
        f"manager: {tree.dns['chef']}\n",
    )
    result = run_sync(NOW)
    assert result.ok, result.message
    eve = person("evil")
    assert eve is not None and eve.active
    assert eve.given_name == "Eve Bcc: victim@example.se"
    assert eve.name == "Eve Evil Subject: hi"
    assert eve.title == "Chef för allt"
    assert eve.email is None  # an address with a line break is never stored, not even cleaned
    stored = [eve.given_name, eve.name, eve.title, eve.family_name]
    assert not any(ch in value for value in stored for ch in "\r\n\t\x00")
    problem = [p for p in result.problems["invalid"] if p.get("username") == "evil"]
    assert len(problem) == 1
    assert set(problem[0]["fields"]) == {"given_name", "display_name", "title", "email"}
    # The others are untouched, and the stored run lists the problem for the admins.
    assert person("chef").email == "chef@example.se" and person("chef").title is None
    run = db.session.scalars(select(DirectorySyncRun)).one()
    assert any(p.get("username") == "evil" for p in run.problems["invalid"])


def test_user_name_with_a_line_break_is_refused(app, tree):
    dn = tree.dn_for("x", "Bad, Name")
    tree.add(tree.entry("good"),
             f"dn: {dn}\nobjectClass: inetOrgPerson\nuid:: {_b64('bad' + chr(10) + 'admin')}\ncn: Bad, Name\nsn: B\n")
    result = run_sync(NOW)
    assert result.ok, result.message
    assert person("good") is not None and count(Person) == 1
    assert any("control character" in p["reason"] for p in result.problems["invalid"])
