"""How search entries become (dn, {attribute: [values]}): the fast path and ldap3's own.

Without a schema (`get_info=NONE`) ldap3 formats every value as UTF-8 text, or leaves
it as bytes when it is not UTF-8; objectGUID is always kept as its raw bytes. Both
paths below give exactly that shape (a test compares them on real slapd entries):

- `fast_entries` (LDAP_FAST_DECODE=1, the default) replaces the connection's
  `decode_response_fast` for searchResEntry messages and reads ldap3's BER tree
  directly. ldap3's own conversion builds two case-insensitive dicts per entry (raw
  and formatted values) and looks up its settings for every value: that was half of
  the client's CPU in a 55,000-person read. This decodes each value once.
- `stock_attrs` (LDAP_FAST_DECODE=0, and the embedded demo server) reshapes what
  ldap3 decoded itself. It is the fallback if an ldap3 upgrade changes its BER tree.

Only `directory.client` imports ldap3; it hands in ldap3's text fallback (`to_unicode`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

GUID = "objectguid"
SEARCH_RES_ENTRY = 4  # protocolOp of a searchResEntry


def _text(raw: bytes) -> str | bytes:
    """An attribute value as ldap3 gives it without a schema: UTF-8 text, else the bytes."""
    try:
        return str(raw, "utf-8")
    except UnicodeDecodeError:
        return bytes(raw)


def stock_attrs(entry: dict) -> dict[str, list]:
    """ldap3's decoded entry as lists of text or bytes (raw bytes for objectGUID); the
    empty lists ldap3 adds for requested but absent attributes are left out."""
    attrs: dict[str, list] = {}
    raw = entry.get("raw_attributes", {})
    for name, values in entry.get("attributes", {}).items():
        if name.lower() == GUID:
            values = raw.get(name) or values
        values = values if isinstance(values, list) else [values]
        if values:
            attrs[name] = values
    return attrs


def lean_entry(payload: Any, names: dict[bytes, str], to_text: Callable[..., str]) -> dict:
    """A searchResEntry from ldap3's BER tree, straight into the shape `stock_attrs` makes.
    `names` remembers the decoded attribute names (the same dozen in every entry)."""
    attrs: dict[str, list] = {}
    for attribute in payload[1][3]:
        raw_name = attribute[3][0][3]
        name = names.get(raw_name)
        if name is None:
            name = names[raw_name] = to_text(raw_name, from_server=True)
        values = attribute[3][1][3]
        if not values:
            continue
        if name.lower() == GUID:
            attrs[name] = [bytes(v[3]) for v in values]
            continue
        try:
            attrs[name] = [str(v[3], "utf-8") for v in values]
        except UnicodeDecodeError:
            attrs[name] = [_text(v[3]) for v in values]
    raw_dn = payload[0][3]
    try:
        dn = str(raw_dn, "utf-8")
    except UnicodeDecodeError:
        dn = to_text(raw_dn, from_server=True)  # ldap3's fallback encodings, as before
    return {"type": "searchResEntry", "dn": dn, "attrs": attrs}


def fast_entries(conn: Any, to_text: Callable[..., str]) -> bool:
    """Make this connection decode search entries with `lean_entry` (other messages as
    before). False, and ldap3 decodes as usual, if this ldap3 has no fast decoder."""
    strategy = conn.strategy
    if not getattr(conn, "fast_decoder", False) or not hasattr(strategy, "decode_response_fast"):
        return False
    stock = strategy.decode_response_fast
    names: dict[bytes, str] = {}
    conn.empty_attributes = False  # ldap3 would add [] for absent attributes to its own dicts; absent is enough

    def decode(ldap_message: Any) -> Any:
        if ldap_message["protocolOp"] == SEARCH_RES_ENTRY:
            return lean_entry(ldap_message["payload"], names, to_text)
        return stock(ldap_message)

    strategy.decode_response_fast = decode
    return True
