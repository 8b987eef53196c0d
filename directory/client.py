"""The only module that talks to the directory server (ldap3).

Everything here is about getting complete, verified answers: TLS certificates are
checked, searches are paged, every page's result code is checked (ldap3 2.9.1 does
not raise on sizeLimitExceeded, and a paged search can end quietly part-way), and a
lost connection is retried once before the caller is told the read is incomplete.
"""
from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

import ldap3
from ldap3.core import exceptions as ldap_exc
from ldap3.strategy import sync as ldap3_sync
from ldap3.utils.conv import escape_filter_chars, to_unicode

from directory.decode import fast_entries, handing_back, stock_attrs
from directory.errors import DirectoryError

log = logging.getLogger(__name__)
# Messages that directory.decode read straight from the wire are handed back undecoded-again
# (every other message, and connections without LDAP_FAST_DECODE, decode exactly as before).
ldap3_sync.decode_message_fast = handing_back(ldap3_sync.decode_message_fast)

PAGE_SIZE = 1000  # Active Directory's MaxPageSize; OpenLDAP pages past its sizelimit with limits
RESULT_OK = 0
DEMO_URL = "demo"


class IncompleteRead(DirectoryError):
    """A search ended without proof that every entry was returned."""


@dataclass(frozen=True)
class ServerSettings:
    url: str
    bind_dn: str = ""
    bind_password: str = ""
    start_tls: bool = False
    ca_file: str = ""
    timeout: int = 10
    page_size: int = PAGE_SIZE
    #: Decode search entries with `directory.decode` (False: ldap3's own decoding).
    fast_decode: bool = True

    @classmethod
    def from_config(cls, config) -> ServerSettings:
        return cls(
            url=config["LDAP_URL"], bind_dn=config["LDAP_BIND_DN"], bind_password=config["LDAP_BIND_PASSWORD"],
            start_tls=bool(config["LDAP_START_TLS"]), ca_file=config["LDAP_CA_FILE"],
            timeout=int(config["LDAP_TIMEOUT"]), page_size=int(config.get("LDAP_PAGE_SIZE", PAGE_SIZE)),
            fast_decode=bool(config.get("LDAP_FAST_DECODE", True)),
        )


@dataclass
class SearchResult:
    #: (dn, attributes) per entry, or whatever the search's `convert` made of them.
    entries: list = field(default_factory=list)
    pages: int = 0


#: Embedded demo server, filled once per process by `demo_server()`.
_DEMO: dict = {}


def demo_server(entries_factory: Callable[[], list[tuple[str, dict]]] | None = None):
    """The embedded MOCK_SYNC directory (demo only), filled from `entries_factory` once."""
    if "server" not in _DEMO:
        server = ldap3.Server("demo", get_info=ldap3.OFFLINE_SLAPD_2_4)
        conn = ldap3.Connection(server, user="cn=admin,dc=regionexempel,dc=se", password="demo",
                                client_strategy=ldap3.MOCK_SYNC)
        if entries_factory is None:
            from demo.directory import demo_entries

            entries_factory = demo_entries
        for dn, attrs in entries_factory():
            conn.strategy.add_entry(dn, attrs)
        conn.strategy.add_entry("cn=admin,dc=regionexempel,dc=se", {"userPassword": "demo", "objectClass": "person",
                                                                   "sn": "admin", "cn": "admin"})
        _DEMO["server"], _DEMO["seed"] = server, conn
    return _DEMO["server"]


def _tls(settings: ServerSettings) -> ldap3.Tls:
    # ldap3's Tls() defaults to CERT_NONE: always require a verified certificate.
    return ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file or None,
                     version=ssl.PROTOCOL_TLS_CLIENT)


def connect(settings: ServerSettings, bind_dn: str | None = None, password: str | None = None) -> ldap3.Connection:
    """Open and bind a connection (the service account unless `bind_dn` is given)."""
    user = settings.bind_dn if bind_dn is None else bind_dn
    secret = settings.bind_password if password is None else password
    if settings.url == DEMO_URL:
        conn = ldap3.Connection(demo_server(), user=user, password=secret, client_strategy=ldap3.MOCK_SYNC)
        if not conn.bind():
            raise DirectoryError(f"The directory refused the password for {user} (invalidCredentials)")
        return conn
    use_ssl = settings.url.lower().startswith("ldaps://")
    server = ldap3.Server(settings.url, use_ssl=use_ssl, tls=_tls(settings) if (use_ssl or settings.start_tls) else None,
                          connect_timeout=settings.timeout, get_info=ldap3.NONE)
    conn = ldap3.Connection(server, user=user or None, password=secret or None, receive_timeout=settings.timeout,
                            raise_exceptions=False, read_only=True)
    try:
        if not conn.open() and conn.closed:
            raise DirectoryError(f"Cannot connect to {settings.url}")
        if settings.start_tls and not use_ssl and not conn.start_tls():
            raise DirectoryError(f"StartTLS failed at {settings.url}: {conn.result.get('description')}")
        if not conn.bind():
            desc = conn.result.get("description") if conn.result else "no answer"
            if desc == "invalidCredentials":
                raise DirectoryError(f"The directory refused the password for {user or 'anonymous'} (invalidCredentials)")
            raise DirectoryError(f"Bind as {user or 'anonymous'} failed: {desc}")
    except ldap_exc.LDAPStartTLSError as exc:
        close(conn)
        raise DirectoryError(f"TLS certificate of {settings.url} could not be verified: {exc}") from exc
    except (ldap_exc.LDAPSocketOpenError, ldap_exc.LDAPSocketReceiveError, ldap_exc.LDAPSessionTerminatedByServerError,
            ldap_exc.LDAPSocketSendError, ssl.SSLError, OSError) as exc:
        close(conn)
        raise DirectoryError(f"Cannot reach the directory at {settings.url}: {exc}") from exc
    return conn


def close(conn: ldap3.Connection) -> None:
    """Unbind, ignoring errors from a socket that is already broken."""
    try:
        conn.unbind()
    except (ldap_exc.LDAPException, OSError):
        pass


def _paged_once(conn: ldap3.Connection, base: str, flt: str, attributes: list[str], page_size: int,
                on_page: Callable[[int, int], None] | None, convert: Callable[[str, dict], object] | None
                ) -> SearchResult:
    result = SearchResult()
    cookie = None
    while True:
        conn.search(base, flt, search_scope=ldap3.SUBTREE, attributes=attributes or ["1.1"],
                    paged_size=page_size, paged_cookie=cookie)
        code = conn.result.get("result") if conn.result else None
        if code != RESULT_OK:
            desc = conn.result.get("description") if conn.result else "no result"
            raise IncompleteRead(f"Search stopped after {len(result.entries)} entries: {desc} (code {code})")
        for entry in conn.response or ():
            if entry.get("type") == "searchResEntry":
                dn, attrs = entry["dn"], entry.get("attrs")
                if attrs is None:  # made by ldap3 itself (LDAP_FAST_DECODE=0, the embedded demo server)
                    attrs = stock_attrs(entry)
                result.entries.append(convert(dn, attrs) if convert else (dn, attrs))
        result.pages += 1
        if on_page:
            on_page(result.pages, len(result.entries))
        controls = conn.result.get("controls") or {}
        paged = controls.get("1.2.840.113556.1.4.319")
        if paged is None:
            raise IncompleteRead("The server ignored the paged-results control; refusing a possibly partial read")
        cookie = paged["value"]["cookie"]
        if not cookie:
            return result


def paged_search(settings: ServerSettings, base: str, flt: str, attributes: list[str],
                 on_page: Callable[[int, int], None] | None = None,
                 convert: Callable[[str, dict], object] | None = None) -> SearchResult:
    """All entries under `base` matching `flt`, or IncompleteRead/DirectoryError.

    Entries are (dn, attributes), or `convert(dn, attributes)` when given: converting
    page by page keeps only the converted form in memory, not every raw entry.
    A connection lost mid-way is retried once from the start (a restarted paged
    search cannot resume), then the read fails.
    """
    last_error: Exception | None = None
    for attempt in (1, 2):
        conn = connect(settings)
        if settings.fast_decode and settings.url != DEMO_URL:  # the embedded server answers without BER
            fast_entries(conn, to_unicode)
        try:
            return _paged_once(conn, base, flt, attributes, settings.page_size, on_page, convert)
        except (ldap_exc.LDAPSocketReceiveError, ldap_exc.LDAPSessionTerminatedByServerError,
                ldap_exc.LDAPSocketSendError, ldap_exc.LDAPSocketOpenError, ldap_exc.LDAPResponseTimeoutError,
                OSError) as exc:
            last_error = exc
            log.warning("directory connection lost (attempt %s): %s", attempt, exc)
            if attempt == 2:
                break
            try:
                close(connect(settings))  # is the server there at all?
            except DirectoryError as again:
                raise IncompleteRead(f"Connection lost during the search and the server is gone: {again}") from exc
        finally:
            close(conn)
    raise IncompleteRead(f"Connection lost twice during the search: {last_error}")


def find_user(settings: ServerSettings, base: str, user_filter: str, username_attr: str, username: str,
              attributes: list[str]) -> list[tuple[str, dict]]:
    """Entries whose `username_attr` equals `username` (escaped: no filter injection)."""
    flt = f"(&{user_filter}({username_attr}={escape_filter_chars(username)}))"
    conn = connect(settings)
    try:
        conn.search(base, flt, search_scope=ldap3.SUBTREE, attributes=attributes or ["1.1"], size_limit=2)
        code = conn.result.get("result") if conn.result else None
        entries = [(e["dn"], stock_attrs(e)) for e in conn.response or () if e.get("type") == "searchResEntry"]
        if code not in (RESULT_OK, 4):  # 4 = sizeLimitExceeded: more than one match, refused by the caller
            raise DirectoryError(f"User search failed: {conn.result.get('description')}")
        return entries
    finally:
        close(conn)


def check_password(settings: ServerSettings, dn: str, password: str) -> bool:
    """True if the directory accepts `password` for `dn`. Empty passwords never reach the server."""
    if not password:
        return False
    try:
        conn = connect(settings, bind_dn=dn, password=password)
    except DirectoryError as exc:
        if "invalidCredentials" in str(exc) or "Bind as" in str(exc):
            return False
        raise
    close(conn)
    return True


def group_members(settings: ServerSettings, group_dn: str) -> list[str]:
    """Member DNs of one group entry (member or uniqueMember)."""
    conn = connect(settings)
    try:
        conn.search(group_dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["member", "uniqueMember"])
        if conn.result.get("result") != RESULT_OK:
            raise DirectoryError(f"Group {group_dn} could not be read: {conn.result.get('description')}")
        members: list[str] = []
        for entry in conn.response or ():
            attrs = entry.get("attributes", {})
            for name in ("member", "uniqueMember"):
                members.extend(attrs.get(name) or [])
        return members
    finally:
        close(conn)
