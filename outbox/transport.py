"""Getting a built message to the mail server, or to an .eml file in demo mode.

This is the only module in Vaksam that imports smtplib. It turns smtplib's many
exceptions into three outcomes the sender understands:

* ConnectFailure   – no usable connection (refused, timeout, TLS, login); no message was tried.
* DeliveryFailure  – this message failed; `permanent` for 5xx replies, and
                     `connection_lost` when the connection is gone afterwards.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
from pathlib import Path


class ConnectFailure(Exception):
    """Could not open, secure or log in to the SMTP connection."""


class DeliveryFailure(Exception):
    """One message was not accepted."""

    def __init__(self, reason: str, *, permanent: bool, connection_lost: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.connection_lost = connection_lost


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class SmtpTransport:
    """One SMTP connection for a whole batch, opened on first use (STARTTLS, then AUTH)."""

    def __init__(self, config: dict):
        self.host = config["SMTP_HOST"]
        self.port = config["SMTP_PORT"]
        self.starttls = config["SMTP_STARTTLS"]
        self.username = config["SMTP_USERNAME"]
        self.password = config["SMTP_PASSWORD"]
        self.ca_file = config.get("SMTP_CA_FILE") or None
        self.timeout = config["SMTP_TIMEOUT"]
        self.conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        conn = None
        try:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.starttls:
                # Certificate and host name are verified (system CAs, or SMTP_CA_FILE).
                conn.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                conn.ehlo()
            if self.username:
                conn.login(self.username, self.password)
            return conn
        except (smtplib.SMTPException, OSError) as exc:
            if conn is not None:
                _close_quietly(conn)
            raise ConnectFailure(f"{self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc

    def send(self, data: bytes, sender: str, recipient: str, message_key: int) -> str | None:
        """Send one rendered message over the open connection (opening it if needed)."""
        if self.conn is None:
            self.conn = self._connect()
        try:
            self.conn.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise self._failure(_reply(code, text), code) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data error, 421, …
            raise self._failure(_reply(exc.smtp_code, exc.smtp_error), exc.smtp_code) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise self._failure(f"not supported by the server: {exc}", 550) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:  # includes timeouts and resets
            self._drop()
            raise DeliveryFailure(f"connection lost: {type(exc).__name__}: {exc}",
                                  permanent=False, connection_lost=True) from exc
        return None

    def _failure(self, reason: str, code: int) -> DeliveryFailure:
        lost = self.conn is None or getattr(self.conn, "sock", None) is None
        if lost:
            self._drop()
        return DeliveryFailure(reason, permanent=500 <= code < 600, connection_lost=lost)

    def _drop(self) -> None:
        if self.conn is not None:
            _close_quietly(self.conn)
        self.conn = None

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()


def _close_quietly(conn: smtplib.SMTP) -> None:
    try:
        conn.close()
    except (OSError, socket.error):
        pass


class FileTransport:
    """Demo mode (no SMTP_HOST): each message becomes `<id>.eml` under OUTBOX_MAIL_DIR.

    The name depends only on the row id, so writing a message again replaces its file.
    """

    def __init__(self, config: dict):
        self.directory = Path(config["OUTBOX_MAIL_DIR"])

    def send(self, data: bytes, sender: str, recipient: str, message_key: int) -> str | None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = eml_name(message_key)
        tmp = self.directory / f".{name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, self.directory / name)
        return name

    def close(self) -> None:
        pass


def eml_name(message_id: int) -> str:
    return f"{message_id:08d}.eml"


def transport_for(config: dict) -> SmtpTransport | FileTransport:
    """SMTP when SMTP_HOST is set, else .eml files (demo mode)."""
    return SmtpTransport(config) if config.get("SMTP_HOST") else FileTransport(config)
