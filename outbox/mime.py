"""How an outbox message looks on the wire: address checks and the one MIME builder.

Layout (the calendar-invite issue relies on it):

* text only                         → text/plain
* text + html (+ extra alternatives) → multipart/alternative
  (text/plain, text/html, then e.g. text/calendar; charset=utf-8; method=REQUEST)
* any attachment                    → multipart/mixed whose first part is the above,
  followed by the attachments (e.g. the same .ics as a file)

Alternatives and attachments are given as bytes and sent base64-encoded, so their
exact bytes (the CRLF line endings an .ics needs) survive the trip. The outbox builds
each message once, when it is enqueued, without a Date header; the sender stamps the
time of sending on it (`stamp_date`).
"""
from __future__ import annotations

import email.policy
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from functools import lru_cache

from outbox.errors import OutboxError

#: How messages are written: CRLF line endings, as SMTP and .eml files want them. The
#: classic (compat32) email API is used because it builds messages about twice as fast
#: as the policy-based one; it does not check header values, so this module does.
POLICY = email.policy.compat32.clone(linesep="\r\n")
#: UTF-8 bodies as quoted-printable (readable in .eml files, 7-bit safe on the wire).
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP

_LOCAL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"^{_LOCAL_ATOM}(\.{_LOCAL_ATOM})*$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$")


class InvalidAddress(OutboxError, ValueError):
    """An e-mail address we refuse to send to."""


class HeaderInjection(OutboxError, ValueError):
    """A name, subject or parameter containing CR, LF or another control character."""


@dataclass(frozen=True)
class Part:
    """An extra MIME part: an alternative body or an attachment, as exact bytes."""

    #: "text/calendar", "application/ics", "application/pdf", …
    content_type: str
    #: The exact bytes to send.
    content: bytes
    #: Content-Type parameters, e.g. {"charset": "utf-8", "method": "REQUEST"}.
    params: Mapping[str, str] = field(default_factory=dict)
    #: File name, for attachments.
    filename: str | None = None

    def __post_init__(self):
        if not isinstance(self.content, bytes):
            raise TypeError("Part.content must be bytes (keeps CRLF line endings intact)")
        if not _MIME_TYPE.match(self.content_type or ""):
            raise ValueError(f"not a MIME type: {self.content_type!r}")
        for key, value in self.params.items():
            check_header_text(key, "parameter name")
            check_header_text(value, "parameter value")
        if self.filename is not None:
            check_header_text(self.filename, "file name")
            if "/" in self.filename or "\\" in self.filename or not self.filename.strip():
                raise ValueError(f"not a plain file name: {self.filename!r}")


def calendar_alternative(ics: bytes, method: str = "REQUEST") -> Part:
    """The text/calendar alternative that makes mail clients show a meeting."""
    return Part("text/calendar", ics, {"charset": "utf-8", "method": method})


def ics_attachment(ics: bytes, filename: str = "inbjudan.ics") -> Part:
    """The same calendar data as a file, for clients that ignore the alternative."""
    return Part("application/ics", ics, {}, filename)


def check_header_text(value: str, what: str = "header") -> str:
    """Refuse CR, LF and other control characters (they could start a new header)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be text")
    if any(ch in "\r\n" or unicodedata.category(ch) == "Cc" for ch in value):
        raise HeaderInjection(f"{what} contains a line break or control character")
    return value


def validate_address(address: str) -> str:
    """Return the address in canonical form (domain lower-cased) or raise InvalidAddress.

    Strict on purpose: plain ASCII dot-atom local part, a domain with at least two
    labels; no quoted local parts, comments, IP literals or internationalised addresses.
    """
    if not isinstance(address, str):
        raise InvalidAddress("address must be text")
    candidate = address.strip()
    if not candidate or len(candidate) > 254 or not candidate.isascii() or candidate.count("@") != 1:
        raise InvalidAddress(f"not an e-mail address: {address!r}")
    local, domain = candidate.split("@")
    labels = domain.split(".")
    if (len(local) > 64 or not _LOCAL_PART.match(local) or len(labels) < 2
            or not all(_DOMAIN_LABEL.match(label) for label in labels) or labels[-1].isdigit()):
        raise InvalidAddress(f"not an e-mail address: {address!r}")
    try:
        parsed = Address(addr_spec=f"{local}@{domain.lower()}")
    except (ValueError, IndexError) as exc:  # the stdlib parser as a second opinion
        raise InvalidAddress(f"not an e-mail address: {address!r}") from exc
    return parsed.addr_spec


@lru_cache(maxsize=8)
def envelope_sender(mail_from: str) -> str:
    """The bare address of MAIL_FROM ("Vaksam <vaksam@region.se>" → "vaksam@region.se")."""
    return validate_address(parseaddr(mail_from)[1])


def new_message_id(mail_from: str) -> str:
    """A Message-ID in the sender's domain, fixed when the message is enqueued."""
    return make_msgid(domain=envelope_sender(mail_from).split("@")[1])


def _header_text(value: str) -> str | Header:
    """Plain ASCII as is; anything else RFC 2047-encoded."""
    return value if value.isascii() else Header(value, "utf-8")


def _address(name: str, address: str) -> str:
    return formataddr((check_header_text(name, "name"), validate_address(address)), charset="utf-8")


@lru_cache(maxsize=8)
def _from_header(mail_from: str) -> str:
    """MAIL_FROM ("Säkerhetsenheten <vaksam@region.se>") as a header value (the setting rarely changes)."""
    name, address = parseaddr(check_header_text(mail_from, "MAIL_FROM"))
    return _address(name, address)


def _extra_part(part: Part, attachment: bool) -> MIMEBase:
    maintype, subtype = part.content_type.split("/")
    mime = MIMEBase(maintype, subtype, **dict(part.params))  # type: ignore[arg-type]  # params, not a policy
    del mime["MIME-Version"]
    mime.set_payload(part.content)
    encoders.encode_base64(mime)  # base64 keeps the exact bytes, CRLF included
    if attachment:
        filename = part.filename or "bilaga"
        mime.add_header("Content-Disposition", "attachment",
                        filename=filename if filename.isascii() else ("utf-8", "", filename))
    return mime


def _text_part(text: str, subtype: str) -> MIMEText:
    mime = MIMEText(text, subtype, UTF8_QP)  # type: ignore[arg-type]  # a Charset object is accepted
    del mime["MIME-Version"]
    return mime


def build_message(*, mail_from: str, to_address: str, to_name: str, subject: str, text: str,
                  html: str | None = None, alternatives: Sequence[Part] = (), attachments: Sequence[Part] = (),
                  message_id: str, date: datetime | None = None) -> Message:
    """Build the complete message (see the module docstring for the layout).

    Without `date` there is no Date header: the outbox stores messages that way and
    stamps the time of sending on them (`stamp_date`).
    """
    check_header_text(subject, "subject")
    check_header_text(message_id, "Message-ID")
    bodies: list[MIMEBase] = [_text_part(text, "plain")]
    if html is not None:
        bodies.append(_text_part(html, "html"))
    bodies += [_extra_part(part, attachment=False) for part in alternatives]
    msg = bodies[0] if len(bodies) == 1 else MIMEMultipart("alternative", _subparts=bodies)
    if attachments:
        del msg["MIME-Version"]
        msg = MIMEMultipart("mixed", _subparts=[msg, *(_extra_part(p, attachment=True) for p in attachments)])
    del msg["MIME-Version"]  # added once, below, with the other top-level headers
    headers: list[tuple[str, str | Header]] = [
        ("From", _from_header(mail_from)),
        ("To", _address(to_name, to_address)),
        ("Subject", _header_text(subject)),
        ("Message-ID", message_id),
        # RFC 3834: tells out-of-office responders not to answer.
        ("Auto-Submitted", "auto-generated"),
        ("MIME-Version", "1.0"),
    ]
    if date is not None:
        headers.insert(3, ("Date", format_datetime(date)))
    for name, value in headers:
        msg[name] = value  # type: ignore[assignment]  # a Header is accepted as a value
    return msg


def render(msg: Message) -> bytes:
    """The message as bytes, as sent and as written to an .eml file."""
    return msg.as_bytes(policy=POLICY)


def stamp_date(raw: bytes, when: datetime) -> bytes:
    """Put the Date header (the time of sending) on a message rendered without one."""
    return b"Date: " + format_datetime(when).encode("ascii") + b"\r\n" + raw
