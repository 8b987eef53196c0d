"""Message bodies: Markdown to sanitised HTML, the plain-text alternative, placeholders."""
from __future__ import annotations

import re

from campaign.markup import render, to_html, to_text, unknown_placeholders


def test_script_and_html_injection_is_removed():
    html = to_html('Hej <script>alert("x")</script><img src=x onerror=alert(1)>'
                   '<a href="javascript:alert(1)">klick</a> <iframe src="https://evil.example"></iframe>'
                   '\n\n[länk](javascript:alert(2)) <b onclick="x()">fet</b> <style>p{}</style>')
    lowered = html.lower()
    for bad in ("<script", "alert(\"x\")", "<img", "onerror", "javascript:", "<iframe", "onclick", "<style"):
        assert bad not in lowered, bad
    assert "<b>fet</b>" in html and "klick" in html


def test_markdown_formatting_survives():
    html = to_html("# Rubrik\n\n**fet** och *kursiv*\n\n- ett\n- två\n\n[Kursen](https://kurs.example/a?b=1&c=2)")
    assert "<strong>fet</strong>" in html and "<em>kursiv</em>" in html and "<li>två</li>" in html
    assert '<a href="https://kurs.example/a?b=1&amp;c=2" rel="noopener noreferrer">Kursen</a>' in html
    assert "<h1>" not in html  # page headings are the page's; only h2–h4 are allowed in bodies


def test_text_alternative_is_readable():
    text = to_text(to_html("Hej!\n\n- ett\n- två\n\n1. först\n2. sen\n\nSe [kursen](https://kurs.example)."))
    assert text == "Hej!\n\n- ett\n- två\n\n1. först\n2. sen\n\nSe kursen (https://kurs.example).\n"


def test_placeholders_are_filled_and_escaped():
    values = {"förnamn": "<b>Åsa</b> & co", "enhet": "Akut", "status": "klar", "kurslänk": "https://k.example/?a=1&b=2"}
    result = render("Hej {förnamn}", "Hej {förnamn} på {enhet}! Status: {status}. [Kurs]({kurslänk}) {okänd}", values)
    assert result.subject == "Hej <b>Åsa</b> & co"
    assert "Hej &lt;b&gt;Åsa&lt;/b&gt; &amp; co på Akut!" in result.html
    assert 'href="https://k.example/?a=1&amp;b=2"' in result.html
    assert "{okänd}" in result.html  # unknown placeholders are left as typed (the form refuses them)
    assert "Hej <b>Åsa</b> & co på Akut! Status: klar. Kurs (https://k.example/?a=1&b=2)" in result.text


def test_subject_never_contains_a_line_break():
    assert render("Hej\r\n{förnamn}", "x", {"förnamn": "A\nB"}).subject == "Hej A B"


def test_unknown_placeholders_are_reported():
    assert unknown_placeholders("Hej {förnamn} {fornamn}", "{enhet} {namn} {fornamn}") == ["fornamn", "namn"]
    assert unknown_placeholders("inga { klamrar } här", "{}") == []


BAD_LINKS = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>x</script>",
             "vbscript:msgbox(1)", "javascript&colon;alert(1)", "https://ok.example\" onclick=\"x()"]


def test_a_placeholder_value_never_becomes_a_javascript_or_data_link():
    from campaign.markup import personalise, safe_url

    html = to_html("Gå [kursen]({kurslänk}) eller <{kurslänk}> – {förnamn}")
    for bad in BAD_LINKS:
        values = {"förnamn": '<a href="javascript:alert(2)">x</a>', "kurslänk": bad, "enhet": "", "status": ""}
        rendered = personalise("Hej {förnamn}", html, values)
        page = rendered.html.lower()
        hrefs = re.findall(r"<a\s[^>]*href=\"([^\"]*)\"", page)
        assert not [h for h in hrefs if h and not h.startswith(("https:", "http:", "mailto:"))], hrefs
        assert "data:text" not in page + rendered.text and "vbscript" not in page + rendered.text.lower()
        assert "script:alert(1)" not in rendered.text.lower()  # the link value is dropped from the text too
        assert safe_url(bad) == ""
    good = personalise("x", html, {"förnamn": "Åsa", "kurslänk": "https://kurs.example/a", "enhet": "", "status": ""})
    assert '<a href="https://kurs.example/a" rel="noopener noreferrer">kursen</a>' in good.html
    assert safe_url("mailto:sakerhet@region.example") == "mailto:sakerhet@region.example"
