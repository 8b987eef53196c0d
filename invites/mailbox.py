"""The organiser mailbox over IMAP: THE only module that imports imaplib (as outbox/ owns
smtplib and directory/client.py owns ldap3).

* TLS is verified (ssl.create_default_context, hostname checked). IMAP_TLS=on: implicit TLS
  on port 993, STARTTLS on any other port; "implicit" or "starttls" say which; "off" only for
  a server on the same host.
* Folder names in settings use "/" as the hierarchy separator and plain Unicode; here they are
  turned into the server's separator and IMAP's modified UTF-7 (RFC 3501 §5.1.3), so
  "INBOX/Vaksam-okänt" becomes "INBOX.Vaksam-ok&AOQ-nt" on a server that separates with ".".
* Nothing is ever deleted: a handled message is MOVEd (or, without MOVE, COPYed and then
  expunged from the source only, UIDPLUS), and a message we leave alone gets a keyword so the
  next poll skips it.
"""
from __future__ import annotations

import base64
import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from invites.errors import InviteError

#: Keyword set on messages left in the folder (no calendar in them: mail for people).
LEFT = "$VaksamLeft"


class MailboxError(InviteError, RuntimeError):
    """The mailbox could not be reached or refused a command; the message (English) says how."""

    def __init__(self, message: str):
        super().__init__("mailbox", message=message)


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    #: "implicit", "starttls" or "off".
    tls: str
    username: str
    password: str
    folder: str
    done_folder: str
    #: "" leaves unmatched replies where they are.
    unknown_folder: str
    ca_file: str
    timeout: int


def settings(config) -> Settings:
    folder = config.get("IMAP_FOLDER") or "INBOX"
    return Settings(
        host=config.get("IMAP_HOST", ""), port=int(config.get("IMAP_PORT") or 993), tls=_tls_mode(config.get("IMAP_TLS", "on"), int(config.get("IMAP_PORT") or 993)),
        username=config.get("IMAP_USERNAME", ""), password=config.get("IMAP_PASSWORD", ""), folder=folder,
        done_folder=config.get("IMAP_DONE_FOLDER") or f"{folder}/Vaksam-hanterat",
        unknown_folder=config.get("IMAP_UNKNOWN_FOLDER", f"{folder}/Vaksam-okänt"),
        ca_file=config.get("IMAP_CA_FILE", ""), timeout=int(config.get("IMAP_TIMEOUT") or 60))


def _tls_mode(value, port: int) -> str:
    text = str(value).strip().lower()
    if text in ("off", "false", "0", "no"):
        return "off"
    if text in ("implicit", "starttls"):
        return text
    return "implicit" if port == 993 else "starttls"


def utf7_encode(name: str) -> str:
    """IMAP modified UTF-7: printable ASCII as is ("&" as "&-"), other runs as &base64(UTF-16BE)-."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


def utf7_decode(name: str) -> str:
    def one(match: re.Match) -> str:
        body = match.group(1)
        if not body:
            return "&"
        data = body.replace(",", "/")
        return base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-16-be")

    return re.sub(r"&([A-Za-z0-9+,]*)-", one, name)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Mailbox:
    """A logged-in connection; use as a context manager (logs out at the end)."""

    def __init__(self, cfg: Settings):
        self.cfg = cfg
        try:
            self.conn = self._connect()
            self._ok(self.conn.login(cfg.username, cfg.password), "LOGIN")
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise MailboxError(f"IMAP {cfg.host}:{cfg.port}: {exc}") from exc
        self._delimiter: str | None = None

    def _connect(self) -> imaplib.IMAP4:
        cfg = self.cfg
        if cfg.tls == "off":
            return imaplib.IMAP4(cfg.host, cfg.port, timeout=cfg.timeout)
        context = ssl.create_default_context(cafile=cfg.ca_file or None)
        if cfg.tls == "implicit":
            return imaplib.IMAP4_SSL(cfg.host, cfg.port, ssl_context=context, timeout=cfg.timeout)
        conn = imaplib.IMAP4(cfg.host, cfg.port, timeout=cfg.timeout)
        conn.starttls(ssl_context=context)
        return conn

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass

    @staticmethod
    def _ok(result: tuple, what: str) -> list:
        status, data = result
        if status != "OK":
            raise MailboxError(f"IMAP {what} failed: {data!r}")
        return data

    def name(self, folder: str) -> str:
        """The server's name for a folder written with "/" separators."""
        if self._delimiter is None:
            data = self._ok(self.conn.list('""', '""'), "LIST")
            match = re.search(rb'\) "(.)"', data[0] or b"") if data and data[0] else None
            self._delimiter = match.group(1).decode() if match else "/"
        return utf7_encode(self._delimiter.join(folder.split("/")))

    def ensure(self, folder: str) -> str:
        """The folder's server name; created (with its parents) if missing."""
        name = self.name(folder)
        status, data = self.conn.list('""', _quote(name))
        if status != "OK" or not [d for d in data if d]:
            self._ok(self.conn.create(_quote(name)), f"CREATE {folder}")
        return name

    def pending(self) -> list[bytes]:
        """UIDs of the messages in the polled folder not yet left alone."""
        self._ok(self.conn.select(_quote(self.name(self.cfg.folder))), f"SELECT {self.cfg.folder}")
        data = self._ok(self.conn.uid("SEARCH", "UNKEYWORD", LEFT), "SEARCH")
        return data[0].split() if data and data[0] else []

    def fetch(self, uids: list[bytes]) -> Iterator[tuple[bytes, bytes]]:
        """(uid, raw message) for the UIDs, in one FETCH (without setting \\Seen)."""
        if not uids:
            return
        data = self._ok(self.conn.uid("FETCH", b",".join(uids).decode(), "(UID BODY.PEEK[])"), "FETCH")
        for item in data:
            if isinstance(item, tuple):
                match = re.search(rb"UID (\d+)", item[0])
                if match:
                    yield match.group(1), item[1]

    def move(self, uids: list[bytes], name: str) -> None:
        """Move the messages to the folder (its server name); nothing is lost on the way."""
        if not uids:
            return
        uid_set = b",".join(uids).decode()
        if "MOVE" in self.conn.capabilities:
            self._ok(self.conn.uid("MOVE", uid_set, _quote(name)), "MOVE")
            return
        self._ok(self.conn.uid("COPY", uid_set, _quote(name)), "COPY")
        self._ok(self.conn.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
        self._ok(self.conn.uid("EXPUNGE", uid_set), "UID EXPUNGE")

    def leave(self, uids: list[bytes]) -> None:
        """Mark messages we leave in the folder, so the next poll does not read them again."""
        if uids:
            self._ok(self.conn.uid("STORE", b",".join(uids).decode(), "+FLAGS.SILENT", f"({LEFT})"), "STORE")
