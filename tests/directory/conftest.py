"""A real slapd for the directory tests, and a builder for per-test subtrees.

One slapd serves the whole session (sizelimit 500; the sync account may page past it,
like a real service account). Each test gets its own `ou=` subtree as LDAP_BASE_DN,
so tests never see each other's people.
"""
from __future__ import annotations

import re
import uuid

import pytest

from directory.dn import escape_rdn_value
from tests.services import Slapd

SUFFIX = "dc=example,dc=se"
SYNC_DN = f"cn=vaksam-sync,ou=service,{SUFFIX}"
SYNC_PASSWORD = "sync-secret"
READER_DN = f"cn=reader,ou=service,{SUFFIX}"
READER_PASSWORD = "reader-secret"


@pytest.fixture(scope="session")
def slapd():
    server = Slapd(suffix=SUFFIX, size_limit=500, unlimited_dn=SYNC_DN, unlimited_password=SYNC_PASSWORD)
    server.start()
    server.add_ldif(
        f"dn: {READER_DN}\nobjectClass: person\nobjectClass: simpleSecurityObject\ncn: reader\nsn: reader\n"
        f"userPassword: {READER_PASSWORD}\n"
    )
    yield server
    server.stop()


class Tree:
    """People in one test's own subtree, written to slapd with the admin account."""

    def __init__(self, slapd: Slapd):
        self.slapd = slapd
        self.base = f"ou=t{uuid.uuid4().hex[:10]},{SUFFIX}"
        slapd.add_ldif(f"dn: {self.base}\nobjectClass: organizationalUnit\nou: {self.base[3:13]}\n")
        self.dns: dict[str, str] = {}
        self.groups_dn = None

    def dn_for(self, uid: str, cn: str, ou: str | None = None) -> str:
        parent = self.base if ou is None else f"ou={escape_rdn_value(ou)},{self.base}"
        return f"cn={escape_rdn_value(cn)},{parent}"

    def ensure_ou(self, ou: str) -> None:
        self.slapd.add_ldif(f"dn: ou={escape_rdn_value(ou)},{self.base}\nobjectClass: organizationalUnit\nou: {ou}\n",
                            continue_on_error=True)

    def entry(self, uid: str, *, cn: str | None = None, given: str = "Test", sn: str | None = None,
              manager: str | None = None, top: str | None = "Förvaltningen", unit: str | None = None,
              mail: bool = True, password: str | None = None, ou: str | None = None,
              employee_number: str | None = None) -> str:
        """LDIF of one person; `manager` is a uid of this tree or a raw DN (starting with 'raw:')."""
        cn = cn or f"{sn or uid.capitalize()}, {given}"
        dn = self.dn_for(uid, cn, ou)
        self.dns[uid] = dn
        lines = [f"dn: {dn}", "objectClass: inetOrgPerson", f"uid: {uid}", f"cn: {cn}",
                 f"sn: {sn or uid.capitalize()}", f"givenName: {given}", f"displayName: {given} {sn or uid.capitalize()}"]
        if mail:
            lines.append(f"mail: {uid}@example.se")
        if top:
            lines.append(f"ou: {top}")
        if unit:
            lines.append(f"departmentNumber: {unit}")
        if manager:
            lines.append(f"manager: {manager[4:] if manager.startswith('raw:') else self.dns[manager]}")
        if password:
            lines.append(f"userPassword: {password}")
        if employee_number:
            lines.append(f"employeeNumber: {employee_number}")
        return "\n".join(lines) + "\n"

    def add(self, *entries: str) -> None:
        self.slapd.add_ldif("\n".join(entries))

    def add_many(self, count: int, manager: str, prefix: str = "p", unit: str = "Enheten") -> list[str]:
        uids = [f"{prefix}{i:04d}" for i in range(count)]
        self.add(*[self.entry(u, manager=manager, unit=unit) for u in uids])
        return uids

    def connection(self):
        return self.slapd.connection()

    def modify(self, uid: str, **attrs) -> None:
        import ldap3

        conn = self.connection()
        changes = {k: [(ldap3.MODIFY_REPLACE, v if isinstance(v, list) else [v])] for k, v in attrs.items()}
        assert conn.modify(self.dns[uid], changes), conn.result
        conn.unbind()

    def move(self, uid: str, new_cn: str | None = None, ou: str | None = None) -> None:
        conn = self.connection()
        old = self.dns[uid]
        rdn = re.split(r"(?<!\\),", old, maxsplit=1)[0] if new_cn is None else f"cn={escape_rdn_value(new_cn)}"
        superior = f"ou={escape_rdn_value(ou)},{self.base}" if ou else self.base
        assert conn.modify_dn(old, rdn, new_superior=superior), conn.result
        self.dns[uid] = f"{rdn},{superior}"
        conn.unbind()

    def delete(self, uid: str) -> None:
        conn = self.connection()
        assert conn.delete(self.dns.pop(uid)), conn.result
        conn.unbind()

    def group(self, cn: str, members: list[str]) -> str:
        dn = f"cn={cn},{self.base}"
        self.add("\n".join([f"dn: {dn}", "objectClass: groupOfNames", f"cn: {cn}",
                            *[f"member: {self.dns[m]}" for m in members]]) + "\n")
        return dn

    def settings(self, **extra) -> dict:
        config = {
            "LDAP_URL": self.slapd.uri.rstrip("/"),
            "LDAP_BIND_DN": SYNC_DN,
            "LDAP_BIND_PASSWORD": SYNC_PASSWORD,
            "LDAP_BASE_DN": self.base,
            "LDAP_SCHEMA": "openldap",
            "LDAP_USER_FILTER": "(objectClass=inetOrgPerson)",
            "LDAP_DISABLED_FILTER": "(description=disabled)",
            "LDAP_PAGE_SIZE": 200,
            "LDAP_TIMEOUT": 5,
            "LDAP_ALLOW_PLAINTEXT": True,  # the test slapd listens on plain ldap:// at 127.0.0.1
        }
        config.update(extra)
        return config


@pytest.fixture
def tree(slapd):
    return Tree(slapd)


@pytest.fixture
def app_config(tree):
    return tree.settings()
