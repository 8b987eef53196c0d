"""directory/client.py against a real slapd: entries decode as ldap3 itself would."""
from __future__ import annotations

import ldap3

from directory import client, decode
from tests.directory.conftest import SYNC_DN, SYNC_PASSWORD

PHOTO = b"\xff\xd8\xff\xe0 not UTF-8"
#: 16 bytes like an AD objectGUID (not UTF-8), and 16 that happen to be valid UTF-8.
GUID_LIKE = bytes.fromhex("3f2504e04f8941d39a0c0305e82c3301")
GUID_ASCII = b"0123456789abcdef"


def test_entries_decode_as_ldap3_would(tree):
    tree.add(tree.entry("chef", given="Åsa", sn="Öberg", cn="Öberg, Åsa \"Chefen\""),
             tree.entry("ann", given="Ann", sn="Berg", manager="chef", unit="Akutkliniken/Akutmottagningen"))
    tree.add_many(30, manager="ann")
    conn = tree.connection()
    assert conn.modify(tree.dns["ann"], {"jpegPhoto": [(ldap3.MODIFY_REPLACE, [PHOTO])],
                                         "description": [(ldap3.MODIFY_REPLACE, ["en", "två"])]})
    assert conn.modify(tree.dns["chef"], {"jpegPhoto": [(ldap3.MODIFY_REPLACE, [GUID_LIKE, GUID_ASCII])],
                                          "title": [(ldap3.MODIFY_REPLACE, ["Förvaltningschef", "Läkare"])]})
    conn.unbind()
    settings = client.ServerSettings(url=tree.slapd.uri.rstrip("/"), bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                     page_size=7)
    stock_settings = client.ServerSettings(url=settings.url, bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                           page_size=7, fast_decode=False)
    attributes = ["uid", "cn", "sn", "givenName", "manager", "departmentNumber", "jpegPhoto", "description",
                  "entryUUID", "employeeNumber", "title"]

    lean = client.paged_search(settings, tree.base, "(objectClass=inetOrgPerson)", attributes)

    assert lean.pages == 5 and len(lean.entries) == 32
    stock = client.paged_search(stock_settings, tree.base, "(objectClass=inetOrgPerson)", attributes)
    assert sorted(lean.entries) == sorted(stock.entries) and stock.pages == 5
    ann = next(attrs for _dn, attrs in lean.entries if attrs["uid"] == ["ann"])
    assert ann["jpegPhoto"] == [PHOTO] and ann["description"] == ["en", "två"]
    assert "employeeNumber" not in ann  # absent, not an empty list
    chef = next((dn, attrs) for dn, attrs in lean.entries if attrs["uid"] == ["chef"])
    assert chef[0].startswith("cn=Öberg\\2C Åsa \\22Chefen\\22") and chef[1]["sn"] == ["Öberg"]
    assert sorted(chef[1]["jpegPhoto"], key=repr) == sorted([GUID_LIKE, GUID_ASCII.decode()], key=repr)
    assert chef[1]["title"] == ["Förvaltningschef", "Läkare"]


def test_the_fast_decoder_keeps_object_guid_as_bytes():
    names: dict[bytes, str] = {}
    payload = [(0, 0, 0, b"cn=\xc3\x85sa,dc=se"), (0, 0, 0, [
        (0, 0, 0, [(0, 0, 0, b"objectGUID"), (0, 0, 0, [(0, 0, 0, GUID_ASCII)])]),
        (0, 0, 0, [(0, 0, 0, b"cn"), (0, 0, 0, [(0, 0, 0, "Åsa".encode()), (0, 0, 0, b"A")])]),
    ])]
    entry = decode.lean_entry(payload, names, lambda raw, from_server: raw.decode())
    stock = decode.stock_attrs({"attributes": {"objectGUID": ["{guid}"], "cn": ["Åsa", "A"]},
                                "raw_attributes": {"objectGUID": [GUID_ASCII]}})
    assert entry["dn"] == "cn=Åsa,dc=se" and entry["attrs"] == stock == {"objectGUID": [GUID_ASCII],
                                                                         "cn": ["Åsa", "A"]}


def ber(tag: int, content: bytes) -> bytes:
    """One BER element with a definite length (short or long form)."""
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def entry_message(message_id: int, dn: bytes, attrs: list[tuple[bytes, list[bytes]]], controls: bytes = b"") -> bytes:
    attributes = b"".join(ber(0x30, ber(0x04, name) + ber(0x31, b"".join(ber(0x04, v) for v in values)))
                          for name, values in attrs)
    return ber(0x30, ber(0x02, message_id.to_bytes(2, "big", signed=True))
               + ber(0x64, ber(0x04, dn) + ber(0x30, attributes)) + controls)


def test_entries_read_from_the_wire_match_ldap3s_own_decoding():
    from ldap3.utils.asn1 import decode_message_fast
    from ldap3.utils.conv import to_unicode

    long_text = ("Sjuksköterska " * 40).encode()  # a two-octet length
    message = entry_message(300, "cn=Öberg\\2C Åsa,dc=se".encode(), [
        (b"cn", ["Öberg, Åsa".encode(), b"A"]), (b"objectGUID", [GUID_LIKE]), (b"jpegPhoto", [PHOTO]),
        (b"description", [long_text]), (b"title", []), (b"entryUUID", [GUID_ASCII])])
    names: dict[bytes, str] = {}
    wire = decode.wire_entry(message, names, to_unicode)
    stock = decode_message_fast(message)
    assert wire is not None and wire["messageID"] == stock["messageID"] == 300
    assert wire["payload"] == decode.lean_entry(stock["payload"], {}, to_unicode)
    assert wire["payload"]["attrs"]["description"] == [long_text.decode()] and "title" not in wire["payload"]["attrs"]
    with_controls = entry_message(7, b"cn=x", [(b"cn", [b"x"])], controls=ber(0xA0, ber(0x30, ber(0x04, b"1.2.3"))))
    done = ber(0x30, ber(0x02, b"\x07") + ber(0x65, ber(0x0A, b"\x00") + ber(0x04, b"") + ber(0x04, b"")))
    assert decode.wire_entry(with_controls, names, to_unicode) is None  # left to ldap3
    assert decode.wire_entry(done, names, to_unicode) is None
    assert decode.wire_entry(message[:-3], names, to_unicode) is None  # truncated
    handed = decode.handing_back(decode_message_fast)
    marker = decode.Decoded(b"\x30")
    marker.message = wire
    assert handed(marker) is wire and handed(done) == decode_message_fast(done)
