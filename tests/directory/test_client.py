"""directory/client.py against a real slapd: entries decode as ldap3 itself would."""
from __future__ import annotations

import ldap3

from directory import client
from tests.directory.conftest import SYNC_DN, SYNC_PASSWORD

PHOTO = b"\xff\xd8\xff\xe0 not UTF-8"


def _stock_read(tree, attributes: list[str]) -> list[tuple[str, dict]]:
    """The same search through ldap3's own decoding, as `client` did before."""
    conn = tree.slapd.connection(SYNC_DN, SYNC_PASSWORD)
    assert conn.search(tree.base, "(objectClass=inetOrgPerson)", attributes=attributes)
    entries = [(e["dn"], {k: v for k, v in client._raw(e).items() if v})
               for e in conn.response if e["type"] == "searchResEntry"]
    conn.unbind()
    return entries


def test_entries_decode_as_ldap3_would(tree):
    tree.add(tree.entry("chef", given="Åsa", sn="Öberg", cn="Öberg, Åsa \"Chefen\""),
             tree.entry("ann", given="Ann", sn="Berg", manager="chef", unit="Akutkliniken/Akutmottagningen"))
    tree.add_many(30, manager="ann")
    conn = tree.connection()
    assert conn.modify(tree.dns["ann"], {"jpegPhoto": [(ldap3.MODIFY_REPLACE, [PHOTO])],
                                         "description": [(ldap3.MODIFY_REPLACE, ["en", "två"])]})
    conn.unbind()
    settings = client.ServerSettings(url=tree.slapd.uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                     page_size=7)
    attributes = ["uid", "cn", "sn", "givenName", "manager", "departmentNumber", "jpegPhoto", "description",
                  "entryUUID", "employeeNumber"]

    lean = client.paged_search(settings, tree.base, "(objectClass=inetOrgPerson)", attributes)

    assert lean.pages == 5 and len(lean.entries) == 32
    assert sorted(lean.entries) == sorted(_stock_read(tree, attributes))
    ann = next(attrs for _dn, attrs in lean.entries if attrs["uid"] == ["ann"])
    assert ann["jpegPhoto"] == [PHOTO] and ann["description"] == ["en", "två"]
    assert "employeeNumber" not in ann  # absent, not an empty list
