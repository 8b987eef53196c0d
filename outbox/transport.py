"""Getting a built message to the mail server, or to an .eml file in demo mode.

This is the only module in Vaksam that imports smtplib. It turns smtplib's many
exceptions into two outcomes the sender understands:

* ConnectFailure   – no usable connection (refused, 421 greeting, timeout, TLS, login);
                     no message was tried.
* DeliveryFailure  – this message failed; `permanent` for 5xx replies, `connection_lost`
                     when the connection is gone afterwards, and `answered` when the server
                     said something about this message (a reply other than 421). A timeout,
                     a reset or a 421 "closing" before the content was sent is not an answer:
                     the message did not use up an attempt.
"""
from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from main import files
from outbox.errors import OutboxError

#: A line starting with "." is sent as ".." (RFC 5321 4.5.2).
_LEADING_DOT = re.compile(rb"(?m)^\.")


class ConnectFailure(OutboxError):
    """Could not open, secure or log in to the SMTP connection."""


class DeliveryFailure(OutboxError):
    """One message was not accepted."""

    def __init__(self, reason: str, *, permanent: bool, connection_lost: bool = False, answered: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.connection_lost = connection_lost
        #: False when the server gave no answer about this message (down, busy, timed out).
        self.answered = answered


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

    def send(self, data: bytes, sender: str, recipient: str, message_key: int,
             ready: Callable[[], None] | None = None) -> str | None:
        """Send one rendered message over the open connection (opening it if needed).

        `ready` is called once the server has taken MAIL, RCPT and DATA and waits for the
        content, i.e. before anything can be delivered. The sender uses it to wait for the
        previous message's outcome to be committed while these commands go back and forth.
        If `ready` raises, the connection is dropped before the content is sent.
        """
        if self.conn is None:
            self.conn = self._connect()
        with self._as_delivery_failures(content_sent=False):
            self._envelope(sender, recipient)
        if ready is not None:
            try:
                ready()
            except BaseException:
                self._drop()  # without the final "." the server discards the message
                raise
        with self._as_delivery_failures(content_sent=True):
            self._content(data)
        return None

    @contextmanager
    def _as_delivery_failures(self, content_sent: bool):
        try:
            yield
        except smtplib.SMTPResponseException as exc:  # sender or recipient refused, data error, 421, …
            raise self._failure(_reply(exc.smtp_code, exc.smtp_error), exc.smtp_code) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:  # includes timeouts and resets
            self._drop()
            # Lost after the content went out: it may have been delivered, so it counts as an
            # attempt (and waits for the backoff); lost before that, the server never answered.
            raise DeliveryFailure(f"connection lost: {type(exc).__name__}: {exc}",
                                  permanent=False, connection_lost=True, answered=content_sent) from exc

    def _envelope(self, sender: str, recipient: str) -> None:
        """MAIL FROM, RCPT TO and DATA, as smtplib's sendmail() does them (messages are 7-bit)."""
        assert self.conn is not None  # connected by send()
        self._expect(self.conn.mail(sender), (250,))
        self._expect(self.conn.rcpt(recipient), (250, 251))
        self._expect(self.conn.docmd("data"), (354,))

    def _content(self, data: bytes) -> None:
        """The message itself, dot-stuffed, ending with CRLF.CRLF; 250 means delivered."""
        body = _LEADING_DOT.sub(b"..", data)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        assert self.conn is not None  # connected by send()
        self.conn.send(body + b".\r\n")
        self._expect(self.conn.getreply(), (250,))

    def _expect(self, reply: tuple[int, bytes], accepted: tuple[int, ...]) -> None:
        code, text = reply
        if code in accepted:
            return
        if code == 421 and self.conn is not None:  # the server is closing the connection
            self.conn.close()
        else:
            self._reset()
        raise smtplib.SMTPResponseException(code, text)

    def _reset(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.rset()
        except smtplib.SMTPServerDisconnected:
            pass

    def _failure(self, reason: str, code: int) -> DeliveryFailure:
        lost = self.conn is None or getattr(self.conn, "sock", None) is None
        if lost:
            self._drop()
        # 421: the server is closing the connection (busy, shutting down): not about this message.
        return DeliveryFailure(reason, permanent=500 <= code < 600, connection_lost=lost, answered=code != 421)

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
    except OSError:
        pass


class FileTransport:
    """Demo mode (no SMTP_HOST): each message becomes `<id>.eml` under OUTBOX_MAIL_DIR.

    The name depends only on the row id, so writing a message again replaces its file.
    """

    def __init__(self, config: dict):
        self.directory = Path(config["OUTBOX_MAIL_DIR"])

    def send(self, data: bytes, sender: str, recipient: str, message_key: int,
             ready: Callable[[], None] | None = None) -> str | None:
        if ready is not None:
            ready()
        name = eml_name(message_key)
        files.write_private(self.directory / name, data)
        return name

    def close(self) -> None:
        pass


def eml_name(message_id: int) -> str:
    return f"{message_id:08d}.eml"


def transport_for(config: dict) -> SmtpTransport | FileTransport:
    """SMTP when SMTP_HOST is set, else .eml files (demo mode)."""
    return SmtpTransport(config) if config.get("SMTP_HOST") else FileTransport(config)
