"""Message bodies: Markdown to sanitised HTML, the plain-text alternative, placeholders."""
from __future__ import annotations

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
