"""Calendar answers as Outlook, Google Calendar and Apple Calendar send them, built from each
client's documented format (Microsoft [MS-OXCICAL] / Exchange iMIP output, Google Calendar's
iMIP mails, Apple Calendar's iMIP attachment), for APPENDing to the test IMAP server.

* Outlook: multipart/alternative, text/plain + text/calendar; method=REPLY, both base64; a
  Windows TZID ("W. Europe Standard Time") with its VTIMEZONE; X-MICROSOFT-CDO-* properties;
  "Content-Class: urn:content-classes:calendarmessage".
* Google: multipart/mixed of multipart/alternative (text/plain, text/html, text/calendar;
  method=REPLY, 7bit) and an application/ics attachment "invite.ics" (base64); times in UTC;
  X-NUM-GUESTS on the ATTENDEE.
* Apple: multipart/mixed holding only the calendar as an attachment (text/calendar without a
  method parameter, quoted-printable); the ATTENDEE may carry an EMAIL parameter.
"""
from __future__ import annotations

import base64
import quopri
import uuid
from datetime import datetime, timezone

ORGANIZER_ADDRESS = "sakerhet@region.example"


def _stamp(when: datetime | None = None) -> str:
    return (when or datetime(2024, 9, 3, 8, 15, tzinfo=timezone.utc)).strftime("%Y%m%dT%H%M%SZ")


def _b64(data: bytes) -> bytes:
    text = base64.b64encode(data)
    return b"\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def outlook_calendar(uid: str, address: str, name: str, partstat: str, sequence: int = 0,
                     stamp: datetime | None = None, method: str = "REPLY", extra: str = "",
                     start: str = "20241008T120000", end: str = "20241008T130000", delegated_to: str = "") -> bytes:
    delegation = f';DELEGATED-TO="mailto:{delegated_to}"' if delegated_to else ""
    return _crlf(f"""BEGIN:VCALENDAR
METHOD:{method}
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;PARTSTAT={partstat}{delegation};CN={name}:mailto:{address}
{extra}COMMENT;LANGUAGE=sv-SE:\\n
SUMMARY;LANGUAGE=sv-SE:Godkänt: Lunchföreläsning
DTSTART;TZID=W. Europe Standard Time:{start}
DTEND;TZID=W. Europe Standard Time:{end}
UID:{uid}
ORGANIZER;CN=Informationssäkerhet:mailto:{ORGANIZER_ADDRESS}
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:{_stamp(stamp)}
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:{sequence}
LOCATION;LANGUAGE=sv-SE:Aulan\\, Regionhuset
X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}
X-MICROSOFT-CDO-OWNERAPPTID:-1934529123
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-DONOTFORWARDMEETING:FALSE
X-MICROSOFT-DISALLOW-COUNTER:FALSE
END:VEVENT
END:VCALENDAR
""")


def outlook(uid: str, address: str, name: str, partstat: str = "ACCEPTED", **kw) -> bytes:
    """Outlook / Exchange: "Accepted: …" with the calendar as a base64 text/calendar alternative."""
    method = kw.get("method", "REPLY")
    cal = outlook_calendar(uid, address, name, partstat, **kw)
    text = f"{name} har godkänt mötet.\n".encode()
    return _crlf(f"""From: {name} <{address}>
To: Informationssäkerhet <{ORGANIZER_ADDRESS}>
Subject: Godkänt: Lunchföreläsning
Thread-Topic: Lunchföreläsning
Date: Tue, 3 Sep 2024 08:15:00 +0000
Message-ID: <{uuid.uuid4().hex}@EXCH01.region.example>
Content-Language: sv-SE
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Class: urn:content-classes:calendarmessage
Content-Type: multipart/alternative; boundary="_000_outlook_"
MIME-Version: 1.0

--_000_outlook_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

""") + _b64(text) + _crlf(f"""

--_000_outlook_
Content-Type: text/calendar; charset="utf-8"; method={method}
Content-Transfer-Encoding: base64

""") + _b64(cal) + _crlf("""

--_000_outlook_--
""")


def google(uid: str, address: str, name: str, partstat: str = "DECLINED", sequence: int = 0) -> bytes:
    """Google Calendar: the calendar inline (7bit) and again as invite.ics (base64)."""
    cal = _crlf(f"""BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
DTSTART:20241008T100000Z
DTEND:20241008T110000Z
DTSTAMP:{_stamp()}
ORGANIZER;CN=Informationssäkerhet:mailto:{ORGANIZER_ADDRESS}
UID:{uid}
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN={name};X-NUM-GUESTS=0:mailto:{address}
CREATED:20240902T080000Z
LAST-MODIFIED:{_stamp()}
LOCATION:Aulan\\, Regionhuset
SEQUENCE:{sequence}
STATUS:CONFIRMED
SUMMARY:Lunchföreläsning: Klassa din information
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR
""")
    return _crlf(f"""MIME-Version: 1.0
Date: Tue, 3 Sep 2024 10:15:00 +0200
Message-ID: <CA+{uuid.uuid4().hex}@mail.gmail.com>
Subject: Declined: Lunchföreläsning @ Tue 8 Oct 2024 12:00 - 13:00 (CEST) ({ORGANIZER_ADDRESS})
From: {name} <{address}>
To: {ORGANIZER_ADDRESS}
Content-Type: multipart/mixed; boundary="000000000000g00gle0mixed"

--000000000000g00gle0mixed
Content-Type: multipart/alternative; boundary="000000000000g00gle0alt"

--000000000000g00gle0alt
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes

{name} has declined this invitation.

--000000000000g00gle0alt
Content-Type: text/html; charset="UTF-8"

<p>{name} has declined this invitation.</p>

--000000000000g00gle0alt
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: 7bit

""") + cal + _crlf("""
--000000000000g00gle0alt--

--000000000000g00gle0mixed
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

""") + _b64(cal) + _crlf("""
--000000000000g00gle0mixed--
""")


def apple(uid: str, address: str, name: str, partstat: str = "TENTATIVE", email_param: str | None = None,
          sequence: int = 0, recurrence_id: str = "") -> bytes:
    """Apple Calendar: only the attachment, quoted-printable, maybe with an EMAIL parameter."""
    email_part = f';EMAIL="{email_param}"' if email_param else ""
    rid = f"RECURRENCE-ID;TZID=Europe/Stockholm:{recurrence_id}\n" if recurrence_id else ""
    cal = _crlf(f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 14.6.1//EN
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
ATTENDEE;CN="{name}";CUTYPE=INDIVIDUAL{email_part};PARTSTAT={partstat};ROLE=REQ-PARTICIPANT:mailto:{address}
DTEND;TZID=Europe/Stockholm:20241008T130000
DTSTAMP:{_stamp()}
DTSTART;TZID=Europe/Stockholm:20241008T120000
ORGANIZER;CN="Informationssäkerhet":mailto:{ORGANIZER_ADDRESS}
{rid}REQUEST-STATUS:2.0;Success
SEQUENCE:{sequence}
SUMMARY:Lunchföreläsning: Klassa din information
UID:{uid}
END:VEVENT
END:VCALENDAR
""")
    return _crlf(f"""From: {name} <{address}>
Content-Type: multipart/mixed; boundary="Apple-Mail=_7E1D0C3A-1B1E-4C5B-9C8E-5A0D3C1B2A90"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3776.700.51\\))
Subject: Preliminärt: Lunchföreläsning
Date: Tue, 3 Sep 2024 10:15:00 +0200
Message-Id: <{uuid.uuid4().hex.upper()}@icloud.example>
To: {ORGANIZER_ADDRESS}
X-Mailer: Apple Mail (2.3776.700.51)

--Apple-Mail=_7E1D0C3A-1B1E-4C5B-9C8E-5A0D3C1B2A90
Content-Disposition: attachment; filename=iCal-20240903-101500.ics
Content-Type: text/calendar; charset=utf-8; name="iCal-20240903-101500.ics"
Content-Transfer-Encoding: quoted-printable

""") + quopri.encodestring(cal) + _crlf("""
--Apple-Mail=_7E1D0C3A-1B1E-4C5B-9C8E-5A0D3C1B2A90--
""")


def plain_mail(address: str, subject: str = "Fråga om föreläsningen") -> bytes:
    """A person's ordinary answer to the invitation e-mail (no calendar): left for people to read."""
    return _crlf(f"""From: {address}
To: {ORGANIZER_ADDRESS}
Subject: Re: {subject}
Message-ID: <{uuid.uuid4().hex}@region.example>
Content-Type: text/plain; charset=utf-8

Finns det parkering?
""")


def broken(address: str) -> bytes:
    """A calendar part that is not iCalendar at all."""
    return _crlf(f"""From: {address}
To: {ORGANIZER_ADDRESS}
Subject: Accepted: ?
Message-ID: <{uuid.uuid4().hex}@region.example>
Content-Type: text/calendar; charset=utf-8; method=REPLY

BEGIN:VCALENDAR
this is not a calendar
""")
