"""The MIME layout, address validation and header-injection checks."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest

from outbox.mime import (
    HeaderInjection,
    InvalidAddress,
    Part,
    build_message,
    calendar_alternative,
    ics_attachment,
    render,
    validate_address,
)

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Frukostm\xc3\xb6te\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
NOW = datetime(2024, 10, 1, 9, 0, tzinfo=timezone.utc)


def build(**kw):
    args = dict(mail_from="Vaksam <vaksam@region.example>", to_address="anna@example.se", to_name="Anna Åberg",
                subject="Påminnelse", text="Hej Anna!\nGör kursen.", html="<p>Hej Anna!</p>",
                message_id="<1@region.example>", date=NOW)
    args.update(kw)
    return email.message_from_bytes(render(build_message(**args)), policy=email.policy.default)


def test_text_and_html_make_multipart_alternative():
    msg = build()
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg.get_body(("plain",)).get_content().startswith("Hej Anna!")
    assert msg["To"].addresses[0].display_name == "Anna Åberg"
    assert msg["Auto-Submitted"] == "auto-generated" and msg["Message-ID"] == "<1@region.example>"


def test_text_only_is_a_single_part():
    msg = build(html=None)
    assert msg.get_content_type() == "text/plain" and "Gör kursen." in msg.get_content()


def test_calendar_invitation_layout_keeps_crlf():
    msg = build(alternatives=[calendar_alternative(ICS)], attachments=[ics_attachment(ICS, "frukost.ics")])
    assert msg.get_content_type() == "multipart/mixed"
    first, attachment = list(msg.iter_parts())
    assert first.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in first.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar = list(first.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_param("charset") == "utf-8"
    assert calendar.get_payload(decode=True) == ICS
    assert attachment.get_filename() == "frukost.ics" and attachment.get_payload(decode=True) == ICS
    assert attachment.get_content_disposition() == "attachment"


def test_parts_must_be_bytes_with_a_real_type():
    with pytest.raises(TypeError):
        Part("text/calendar", ICS.decode())
    with pytest.raises(ValueError):
        Part("calendar", ICS)
    with pytest.raises(HeaderInjection):
        Part("text/calendar", ICS, {"method": "REQUEST\r\nBcc: x@evil.example"})
    with pytest.raises(ValueError):
        Part("application/ics", ICS, {}, "../../etc/passwd")


@pytest.mark.parametrize("field", ["subject", "to_name"])
@pytest.mark.parametrize("bad", ["Hej\r\nBcc: spy@evil.example", "Hej\nBcc: spy@evil.example", "Hej\rX", "a\x00b"])
def test_line_breaks_in_headers_are_refused(field, bad):
    with pytest.raises(HeaderInjection):
        build(**{field: bad})


@pytest.mark.parametrize("address", [
    "anna@example.se", "anna.andersson+vaksam@region-exempel.se", "A.B@Sub.Example.SE", "o'neil@example.com",
])
def test_good_addresses(address):
    assert validate_address(address).split("@")[1] == address.split("@")[1].lower()


@pytest.mark.parametrize("address", [
    "", "anna", "anna@", "@example.se", "anna@example", "anna@@example.se", "anna example@example.se",
    "anna@example.se\r\nBcc: spy@evil.example", "Anna <anna@example.se>", '"anna"@example.se', "åsa@example.se",
    "anna@exa_mple.se", "anna@-example.se", "anna.@example.se", "anna@127.0.0.1", "a@b.se, c@d.se", "x" * 65 + "@e.se",
])
def test_bad_addresses(address):
    with pytest.raises(InvalidAddress):
        validate_address(address)
