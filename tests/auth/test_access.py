"""The visibility rule and the role guard, on every route that shows people."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from auth.access import may_see, visible_person_ids
from extensions import db


def ids(stmt):
    return set(db.session.scalars(stmt))


def test_manager_sees_own_subtree_only(org):
    boss = org["boss"]
    for name in ("boss", "lead", "ann", "ben"):
        assert may_see(boss, org[name]), name
    for name in ("top", "otherboss", "carl", "admin"):
        assert not may_see(boss, org[name]), name


def test_employee_sees_only_themselves(org):
    assert may_see(org["ann"], org["ann"])
    assert not may_see(org["ann"], org["ben"])
    assert not may_see(org["ann"], org["lead"])


def test_admin_sees_everyone(org):
    assert all(may_see(org["admin"], p) for p in org.values())


def test_comms_is_not_a_manager(org):
    assert not may_see(org["comms"], org["ann"])


def test_visible_ids_match_may_see(org):
    for viewer in org.values():
        visible = ids(visible_person_ids(viewer))
        for person in org.values():
            assert (person.id in visible) == may_see(viewer, person), (viewer.username, person.username)


def test_roles_follow_the_tree_and_grants(org):
    assert org["boss"].roles == {"employee", "manager"}
    assert org["ann"].roles == {"employee"}
    assert "admin" in org["admin"].roles and "manager" not in org["admin"].roles
    assert org["comms"].roles == {"employee", "comms"}


@pytest.mark.parametrize("path", ["/team?manager={otherboss}", "/people/{carl}", "/people/{top}"])
def test_manager_refused_outside_subtree(client, auth, org, path):
    auth.login("boss")
    url = path.format(**{k: v.id for k, v in org.items()})
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("path", ["/team?manager={lead}", "/people/{ann}", "/people/{lead}", "/team"])
def test_manager_allowed_inside_subtree(client, auth, org, path):
    auth.login("boss")
    url = path.format(**{k: v.id for k, v in org.items()})
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("path", ["/team", "/admin/people", "/admin/audit", "/admin/jobs", "/people/{ben}"])
def test_employee_refused(client, auth, org, path):
    auth.login("ann")
    assert client.get(path.format(ben=org["ben"].id)).status_code == 403


@pytest.mark.parametrize("path", ["/admin/people", "/admin/audit", "/admin/jobs"])
def test_manager_and_comms_refused_admin_pages(client, auth, org, path):
    for name in ("boss", "comms"):
        auth.login(name)
        assert client.get(path).status_code == 403, name
        auth.logout()


def test_team_page_lists_everyone_below(client, auth, org):
    auth.login("boss")
    body = client.get("/team").get_data(as_text=True)
    for name in ("Lead", "Ann", "Ben"):
        assert f"{name} Testsson" in body
    assert "Carl Testsson" not in body
    direct = client.get("/team?scope=direct").get_data(as_text=True)
    assert "Lead Testsson" in direct and "Ann Testsson" not in direct


def test_viewing_someone_else_is_audited(client, auth, org):
    from models import AuditEvent

    auth.login("boss")
    client.get(f"/people/{org['ann'].id}")
    client.get(f"/people/{org['boss'].id}")  # own page: not someone else's data
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.view")).all()
    assert [(e.actor_id, e.target_id) for e in events] == [(org["boss"].id, str(org["ann"].id))]


def test_admin_grants_and_revokes_roles(client, auth, org):
    from models import AuditEvent

    auth.login("admin")
    response = client.post(f"/admin/people/{org['ann'].id}/roles", data={"role": "comms", "action": "grant"})
    assert response.status_code == 302
    db.session.expire_all()
    assert "comms" in org["ann"].roles
    client.post(f"/admin/people/{org['ann'].id}/roles", data={"role": "comms", "action": "revoke"})
    db.session.expire_all()
    assert "comms" not in org["ann"].roles
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("role.%"))).all()
    assert actions == ["role.grant", "role.revoke"]


def test_admin_cannot_remove_own_admin_role(client, auth, org):
    auth.login("admin")
    client.post(f"/admin/people/{org['admin'].id}/roles", data={"role": "admin", "action": "revoke"})
    db.session.expire_all()
    assert "admin" in org["admin"].roles


def test_role_form_rejects_unknown_role(client, auth, org):
    auth.login("admin")
    response = client.post(f"/admin/people/{org['ann'].id}/roles", data={"role": "superuser", "action": "grant"})
    assert response.status_code == 400
