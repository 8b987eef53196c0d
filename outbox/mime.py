"""How an outbox message looks on the wire: address checks and the one MIME builder.

Layout (the calendar-invite issue relies on it):

* text only                         → text/plain
* text + html (+ extra alternatives) → multipart/alternative
  (text/plain, text/html, then e.g. text/calendar; charset=utf-8; method=REQUEST)
* any attachment                    → multipart/mixed whose first part is the above,
  followed by the attachments (e.g. the same .ics as a file)

Alternatives and attachments are given as bytes and sent base64-encoded, so their
exact bytes (the CRLF line endings an .ics needs) survive the trip.
"""
from __future__ import annotations

import email.policy
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Mapping, Sequence

#: CRLF line endings, as SMTP and .eml files want them.
POLICY = email.policy.SMTP

_LOCAL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"^{_LOCAL_ATOM}(\.{_LOCAL_ATOM})*$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$")


class InvalidAddress(ValueError):
    """An e-mail address we refuse to send to."""


class HeaderInjection(ValueError):
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


def envelope_sender(mail_from: str) -> str:
    """The bare address of MAIL_FROM ("Vaksam <vaksam@region.se>" → "vaksam@region.se")."""
    return validate_address(parseaddr(mail_from)[1])


def new_message_id(mail_from: str) -> str:
    """A Message-ID in the sender's domain, fixed when the message is enqueued."""
    return make_msgid(domain=envelope_sender(mail_from).split("@")[1])


def build_message(*, mail_from: str, to_address: str, to_name: str, subject: str, text: str,
                  html: str | None = None, alternatives: Sequence[Part] = (), attachments: Sequence[Part] = (),
                  message_id: str, date: datetime) -> EmailMessage:
    """Build the complete message (see the module docstring for the layout)."""
    check_header_text(to_name, "recipient name")
    check_header_text(subject, "subject")
    msg = EmailMessage(policy=POLICY)
    msg["From"] = mail_from
    msg["To"] = Address(display_name=to_name, addr_spec=validate_address(to_address))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    # RFC 3834: tells out-of-office responders not to answer.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, cte="quoted-printable")
    if html is not None:
        msg.add_alternative(html, subtype="html", cte="quoted-printable")
    for part in alternatives:
        maintype, subtype = part.content_type.split("/")
        msg.add_alternative(part.content, maintype, subtype, params=dict(part.params))
    for part in attachments:
        maintype, subtype = part.content_type.split("/")
        msg.add_attachment(part.content, maintype, subtype, filename=part.filename, params=dict(part.params))
    return msg
