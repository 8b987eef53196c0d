"""How search entries become (dn, {attribute: [values]}): the fast path and ldap3's own.

Without a schema (`get_info=NONE`) ldap3 formats every value as UTF-8 text, or leaves
it as bytes when it is not UTF-8; objectGUID is always kept as its raw bytes. Both
paths below give exactly that shape (a test compares them on real slapd entries):

- `fast_entries` (LDAP_FAST_DECODE=1, the default) replaces the connection's
  `decode_response_fast` for searchResEntry messages and reads ldap3's BER tree
  directly. ldap3's own conversion builds two case-insensitive dicts per entry (raw
  and formatted values) and looks up its settings for every value: that was half of
  the client's CPU in a 55,000-person read. This decodes each value once.
  Before that, `wire_entry` reads each received searchResEntry message straight from
  its bytes (the one fixed shape RFC 4511 gives it), so ldap3 never builds its generic
  BER tree for it: that tree was most of what was left of the client's CPU. Anything
  else (results, controls on an entry, an unexpected tag) goes through ldap3 as before.
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


_RAW_GUID = GUID.encode()


def _long_length(m: bytes, i: int) -> tuple[int, int]:
    """A BER long-form length at m[i] (its first octet >= 0x80): (length, index after it)."""
    k = m[i] & 0x7F
    return int.from_bytes(m[i + 1 : i + 1 + k], "big"), i + 1 + k


def wire_entry(m: bytes, names: dict[bytes, str], to_text: Callable[..., str]) -> dict | None:
    """A whole received LDAPMessage holding a searchResEntry, decoded from its bytes into
    ldap3's message shape with `lean_entry`'s payload; None for any other message (or an
    entry with controls, or anything unexpected), which ldap3 then decodes itself."""
    try:
        if m[0] != 0x30 or m[1] == 0x80:
            return None
        i = 2 if m[1] < 0x80 else _long_length(m, 1)[1]
        if m[i] != 0x02:
            return None
        n = m[i + 1]
        message_id = int.from_bytes(m[i + 2 : i + 2 + n], "big", signed=True)
        i += 2 + n
        if m[i] != 0x64:  # [APPLICATION 4], constructed: searchResEntry
            return None
        n = m[i + 1]
        n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
        if i + n != len(m) or m[i] != 0x04:  # controls follow the entry: ldap3's way
            return None
        n = m[i + 1]
        n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
        raw_dn = m[i : i + n]
        i += n
        if m[i] != 0x30:
            return None
        n = m[i + 1]
        n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
        attrs: dict[str, list] = {}
        end = len(m)
        while i < end:
            if m[i] != 0x30:
                return None
            n = m[i + 1]
            n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
            stop = i + n
            if m[i] != 0x04:
                return None
            n = m[i + 1]
            n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
            raw_name = m[i : i + n]
            i += n
            if m[i] != 0x31:
                return None
            n = m[i + 1]
            n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
            raw: list[bytes] = []
            while i < stop:
                if m[i] != 0x04:
                    return None
                n = m[i + 1]
                n, i = (n, i + 2) if n < 0x80 else _long_length(m, i + 1)
                raw.append(m[i : i + n])
                i += n
            if i != stop:
                return None
            if raw:
                name = names.get(raw_name)
                if name is None:
                    name = names[raw_name] = to_text(raw_name, from_server=True)
                if raw_name.lower() == _RAW_GUID:
                    attrs[name] = raw
                    continue
                try:
                    attrs[name] = [str(v, "utf-8") for v in raw]
                except UnicodeDecodeError:
                    attrs[name] = [_text(v) for v in raw]
    except IndexError:  # a truncated message: let ldap3 report it
        return None
    try:
        dn = str(raw_dn, "utf-8")
    except UnicodeDecodeError:
        dn = to_text(raw_dn, from_server=True)
    return {"messageID": message_id, "protocolOp": SEARCH_RES_ENTRY, "controls": None,
            "payload": {"type": "searchResEntry", "dn": dn, "attrs": attrs}}


class Decoded(bytes):
    """A received message that `wire_entry` already decoded (`.message`); ldap3's
    `decode_message_fast`, wrapped by `handing_back`, returns that instead of decoding."""

    message: dict


def handing_back(stock: Callable[[Any], dict]) -> Callable[[Any], dict]:
    """ldap3's `decode_message_fast` that hands back what `wire_entry` decoded (other
    messages, and every connection that did not ask for it, are decoded as before)."""
    if getattr(stock, "hands_back", False):
        return stock

    def decode_message(message: Any) -> dict:
        if type(message) is Decoded:
            return message.message
        return stock(message)

    decode_message.hands_back = True  # type: ignore[attr-defined]
    return decode_message


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
            payload = ldap_message["payload"]
            return payload if isinstance(payload, dict) else lean_entry(payload, names, to_text)
        return stock(ldap_message)

    strategy.decode_response_fast = decode
    if hasattr(strategy, "receiving"):
        receive = strategy.receiving

        def receiving() -> list:
            out = []
            for message in receive():
                decoded = wire_entry(message, names, to_text)
                if decoded is None:
                    out.append(message)
                else:
                    marker = Decoded(b"\x30")  # non-empty, as ldap3 skips empty messages
                    marker.message = decoded
                    out.append(marker)
            return out

        strategy.receiving = receiving
    return True
