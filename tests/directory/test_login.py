"""Log-in by bind against a real slapd, and TLS verification."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from directory import client
from directory.sync import run_sync
from tests.directory.conftest import SUFFIX, SYNC_DN, SYNC_PASSWORD
from tests.services import Slapd, make_test_ca

NOW = datetime(2024, 9, 2, tzinfo=timezone.utc)


@pytest.fixture
def people(app, tree):
    tree.add(tree.entry("chef", password="chef-password-1"),
             tree.entry("ann", manager="chef", password="ann-password-1"),
             tree.entry("admin2", password="admin2-password"))
    tree.add(*[tree.entry(f"q{i}", manager="chef") for i in range(20)])
    assert run_sync(NOW).ok
    return tree


def test_login_by_bind(client, people):
    response = client.post("/login", data={"username": "ann", "password": "ann-password-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_directory_password(client, people):
    response = client.post("/login", data={"username": "ann", "password": "chef-password-1"})
    assert response.status_code == 401


@pytest.mark.parametrize("attack", ["*", "*)(uid=*", "ann)(|(uid=*", "*)(objectClass=*", "ann*", "a*n", "\\2a"])
def test_filter_injection_does_not_log_anyone_in(client, people, attack):
    response = client.post("/login", data={"username": attack, "password": "ann-password-1"})
    assert response.status_code == 401


def test_empty_password_never_binds(app, people):
    from directory.login import bind_as

    assert bind_as("ann", "") == (None, False)
    assert bind_as("ann", " ")[1] is False


def test_person_deactivated_in_vaksam_cannot_log_in(client, people):
    from sqlalchemy import select

    from extensions import db
    from models import Person

    ann = db.session.scalar(select(Person).where(Person.username == "ann"))
    ann.active = False
    db.session.commit()
    response = client.post("/login", data={"username": "ann", "password": "ann-password-1"})
    assert response.status_code == 401 and "inte aktivt" in response.get_data(as_text=True)


def test_directory_down_gives_a_clear_message(client, people, app):
    from tests.services import free_port

    app.config["LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"
    response = client.post("/login", data={"username": "ann", "password": "ann-password-1"})
    assert response.status_code == 401
    assert "Katalogtjänsten svarar inte" in response.get_data(as_text=True)


def test_manager_role_comes_from_the_tree(client, people):
    client.post("/login", data={"username": "chef", "password": "chef-password-1"})
    assert client.get("/team").status_code == 200
    client.post("/logout")
    client.post("/login", data={"username": "ann", "password": "ann-password-1"})
    assert client.get("/team").status_code == 403


@pytest.fixture(scope="module")
def tls_slapd(tmp_path_factory):
    ca = make_test_ca(tmp_path_factory.mktemp("ca"))
    server = Slapd(suffix=SUFFIX, tls=ca, unlimited_dn=SYNC_DN, unlimited_password=SYNC_PASSWORD)
    server.start()
    yield server, ca
    server.stop()


def test_start_tls_verifies_the_certificate(tls_slapd):
    server, ca = tls_slapd
    good = client.ServerSettings(url=server.uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                 start_tls=True, ca_file=ca["ca_cert"], timeout=5)
    client.connect(good).unbind()


def test_start_tls_with_the_wrong_ca_is_refused(tls_slapd, tmp_path):
    server, _ca = tls_slapd
    other = make_test_ca(tmp_path)
    bad = client.ServerSettings(url=server.uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                start_tls=True, ca_file=other["ca_cert"], timeout=5)
    with pytest.raises(client.DirectoryError) as info:
        client.connect(bad)
    assert "certificate" in str(info.value).lower() or "Cannot reach" in str(info.value)


def test_ldaps_verifies_the_certificate(tls_slapd, tmp_path):
    server, ca = tls_slapd
    good = client.ServerSettings(url=server.ldaps_uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                 ca_file=ca["ca_cert"], timeout=5)
    client.connect(good).unbind()
    other = make_test_ca(tmp_path)
    bad = client.ServerSettings(url=server.ldaps_uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                ca_file=other["ca_cert"], timeout=5)
    with pytest.raises(client.DirectoryError):
        client.connect(bad)


def test_system_trust_store_refuses_a_private_ca(tls_slapd):
    server, _ca = tls_slapd
    settings = client.ServerSettings(url=server.uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                     start_tls=True, timeout=5)
    with pytest.raises(client.DirectoryError):
        client.connect(settings)
