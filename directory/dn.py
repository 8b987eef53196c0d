"""Distinguished-name normalisation (RFC 4514), so a `manager` value matches the
manager's own DN however each was escaped, spaced or cased.

`normalise_dn('CN=Berg\\, Åsa ,OU=Vård')` == `normalise_dn('cn=berg\\2c åsa,ou=vård')`.
Pure Python: no ldap3 here (only directory/client.py talks to the server).
"""
from __future__ import annotations

from directory.errors import DirectoryError

_SPECIAL = set(',+"\\<>;=')
_HEX = set("0123456789abcdefABCDEF")


class DNError(DirectoryError, ValueError):
    """The text is not a valid distinguished name."""


def _split(dn: str) -> list[list[tuple[str, str]]]:
    """Split a DN into RDNs of (attribute, raw value) pairs, honouring escapes and quotes."""
    rdns: list[list[tuple[str, str]]] = []
    avas: list[tuple[str, str]] = []
    attr, buf, in_value, quoted, i = "", [], False, False, 0
    while i < len(dn):
        c = dn[i]
        if c == "\\" and in_value:
            if i + 1 >= len(dn):
                raise DNError("DN ends with a lone backslash")
            buf.append(dn[i : i + 2] if dn[i + 1] not in _HEX else dn[i : i + 3])
            i += 2 if dn[i + 1] not in _HEX else 3
            continue
        if c == '"' and in_value:
            quoted = not quoted
        elif c == "=" and not in_value:
            attr, buf, in_value = "".join(buf).strip(), [], True
        elif c in ",;+" and in_value and not quoted:
            avas.append((attr, "".join(buf)))
            if c != "+":
                rdns.append(avas)
                avas = []
            attr, buf, in_value = "", [], False
        else:
            buf.append(c)
        i += 1
    if in_value:
        avas.append((attr, "".join(buf)))
    elif "".join(buf).strip():
        raise DNError(f"attribute without a value in {dn!r}")
    if avas:
        rdns.append(avas)
    if any(not a for rdn in rdns for a, _ in rdn):
        raise DNError(f"empty attribute name in {dn!r}")
    return rdns


def _unescape(raw: str) -> str:
    """Turn an RFC 4514 value into its text: `\\,` -> `,`, `\\C3\\A5` -> `å`, quotes removed."""
    value = raw.strip(" ")
    if raw.endswith("\\ "):  # an escaped trailing space belongs to the value
        value += " "
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    out = bytearray()
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1 : i + 3]
            if len(nxt) == 2 and all(ch in _HEX for ch in nxt):
                out.append(int(nxt, 16))
                i += 3
                continue
            out.extend(value[i + 1].encode("utf-8"))
            i += 2
            continue
        out.extend(c.encode("utf-8"))
        i += 1
    return out.decode("utf-8", errors="replace")


def _escape(value: str) -> str:
    """Canonical escaping of a value for the normalised form."""
    out = []
    for i, c in enumerate(value):
        if c in _SPECIAL or (c == "#" and i == 0) or (c == " " and i in (0, len(value) - 1)):
            out.append("\\" + c)
        elif ord(c) < 32:
            out.append("\\%02x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def normalise_dn(dn: str | None) -> str | None:
    """Canonical, case-insensitive form of a DN; None for None or blank."""
    if dn is None or not dn.strip():
        return None
    rdns = _split(dn.strip())
    parts = []
    for rdn in rdns:
        avas = sorted(f"{attr.strip().casefold()}={_escape(_unescape(val).casefold())}" for attr, val in rdn)
        parts.append("+".join(avas))
    return ",".join(parts)


def normalise_present_dn(dn: str) -> str:
    """`normalise_dn` of a DN known not to be blank, so never None (DNError if it is)."""
    norm = normalise_dn(dn)
    if norm is None:
        raise DNError(f"blank DN: {dn!r}")
    return norm


def escape_rdn_value(value: str) -> str:
    """Escape a value for use in a DN (for building test and demo entries)."""
    return _escape(value)
