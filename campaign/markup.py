"""Plan message bodies: Markdown → sanitised HTML, a plain-text alternative, and placeholders.

Whatever the author types (raw HTML, <script>, javascript: links, images) goes through
Markdown first and then nh3 with a short allow-list, so the HTML that reaches a page or a
mail client can only contain harmless formatting and http(s)/mailto links.

Placeholders ({förnamn}, {enhet}, {status}, {kurslänk}) are filled in after rendering,
escaped for HTML, so a name like "<b>Ann</b>" shows as text and cannot add markup. A link
value must be an http(s) or mailto URL (`safe_url`), and the filled-in HTML goes through
the sanitiser once more, so no value can turn `[kurs]({kurslänk})` into a javascript: or
data: link.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markupsafe import escape

#: The placeholders an author may use, in the order the help text lists them.
PLACEHOLDERS = ("förnamn", "enhet", "status", "kurslänk")
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}
#: Placeholders whose value is a link.
LINK_PLACEHOLDERS = frozenset({"kurslänk", "teamlänk"})
#: A whole URL with an allowed scheme and nothing that could end an attribute or a line.
_SAFE_URL = re.compile(r"(?:https?://[^\s\"'<>`\\]+|mailto:[^\s\"'<>`\\:/]+@[^\s\"'<>`\\]+)", re.IGNORECASE)


def unknown_placeholders(*texts: str) -> list[str]:
    """Placeholder names used in `texts` that Vaksam does not know (to tell the author)."""
    found = []
    for text in texts:
        for name in _PLACEHOLDER.findall(text or ""):
            if name not in PLACEHOLDERS and name not in found:
                found.append(name)
    return found


def safe_url(value: str | None) -> str:
    """`value` if it is one http, https or mailto URL, else "" (never a javascript: or data: link)."""
    value = (value or "").strip()
    return value if _SAFE_URL.fullmatch(value) else ""


def url_refusal(value: str | None) -> str | None:
    """Why an address typed by an admin or planner cannot be a link (None when it can)."""
    if not value or not value.strip():
        return None
    return None if safe_url(value) else "only https://, http:// and mailto: addresses are allowed"


def to_html(body: str) -> str:
    """Markdown → sanitised HTML (placeholders left as they are)."""
    # On first use, not at app start (docs/architecture.md, decision 13): its patterns compile at import.
    import markdown  # type: ignore[import-untyped]  # no stubs installed (types-Markdown)

    return sanitise(markdown.markdown(body or "", extensions=["sane_lists", "tables"], output_format="html"))


def sanitise(html: str) -> str:
    """Only the allowed tags, attributes and link schemes survive."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


class _TextWriter(HTMLParser):
    """Turns the sanitised HTML into readable plain text (lists, links with their address)."""

    BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "pre", "table", "ul", "ol", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.href: str | None = None
        self.link_text: list[str] = []
        self.pre = 0
        self.cells = 0

    def _newline(self, n: int = 1) -> None:
        text = "".join(self.out)
        have = len(text) - len(text.rstrip("\n"))
        if text and have < n:
            self.out.append("\n" * (n - have))

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS and not (tag in ("ul", "ol") and self.lists):
            self._newline(2)
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            self._newline(1)
            kind: list = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            indent = "  " * max(len(self.lists) - 1, 0)
            self.out.append(f"{indent}{kind[1]}. " if kind[0] == "ol" else f"{indent}- ")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "tr":
            self._newline(1)
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                while self.out and self.out[-1].endswith(" "):
                    self.out[-1] = self.out[-1].rstrip(" ")
                self.out.append(" | ")
            self.cells += 1
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []
        elif tag == "pre":
            self.pre += 1
        elif tag == "hr":
            self.out.append("----")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag == "a" and self.href is not None:
            text = "".join(self.link_text).strip()
            if self.href and self.href != text and not self.href.startswith("mailto:"):
                self.out.append(f" ({self.href})")
            self.href = None
        elif tag == "pre":
            self.pre -= 1
        if tag in self.BLOCKS or tag == "li":
            self._newline(2 if tag in self.BLOCKS and not self.lists else 1)

    def handle_data(self, data):
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if not "".join(self.out).strip() or "".join(self.out).endswith(("\n", " ")):
                data = data.lstrip()
        if self.href is not None:
            self.link_text.append(data)
        self.out.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def to_text(html: str) -> str:
    """The plain-text alternative of sanitised HTML."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()


@dataclass(frozen=True)
class Rendered:
    """A message filled in for one reader."""

    subject: str
    html: str
    text: str


def fill(template: str, values: dict[str, str], *, html: bool) -> str:
    """Replace known placeholders; values are HTML-escaped when `html`."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = str(values[name])
        if name in LINK_PLACEHOLDERS:
            value = safe_url(value)
        return str(escape(value)) if html else value

    return _PLACEHOLDER.sub(replace, template or "")


def personalise(title: str, html: str, values: dict[str, str]) -> Rendered:
    """Fill in an already rendered body (to_html) for one reader."""
    subject = " ".join(fill(title, values, html=False).split())  # never a line break in a subject
    # Sanitised again after filling in: values are data, and only http(s)/mailto links may come through.
    filled = sanitise(fill(html, values, html=True))
    return Rendered(subject, filled, to_text(filled))


def render(title: str, body: str, values: dict[str, str]) -> Rendered:
    """The subject, HTML and text of a message for one reader (values for the placeholders)."""
    return personalise(title, to_html(body), values)
