"""Numbers in the page's language, from one place (main.i18n), and a drift check that keeps
templates from formatting numbers by hand."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string

from main import i18n

NBSP = "\u00a0"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
UNDONE = ("%(num)s påminnelse är ångrad och skickas inte.", "%(num)s påminnelser är ångrade och skickas inte.")


@pytest.mark.parametrize(("lang", "number", "percent", "share", "measure", "decimal"), [
    ("sv", f"1{NBSP}234{NBSP}567", f"57,7{NBSP}%", f"33,3{NBSP}%", f"90{NBSP}%", "3,5"),
    ("en", "1,234,567", f"57.7{NBSP}%", f"33.3{NBSP}%", f"90{NBSP}%", "3.5"),
])
def test_helpers_follow_the_language(app, lang, number, percent, share, measure, decimal):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert i18n.fmt_number(1234567) == number
        assert i18n.fmt_number(3.5) == decimal and i18n.fmt_number(None) == ""
        assert i18n.fmt_percent(57.66) == percent and i18n.fmt_percent(None) == "–"
        assert i18n.fmt_share(1, 3) == share and i18n.fmt_share(1, 0) == "–"
        assert i18n.fmt_measure(90, "%") == measure and i18n.fmt_measure(None, "%") == "–"
        assert i18n.fmt_measure(1234567, "st") == number
        page = render_template_string("{{ n|number }}|{{ share|percent }}|{{ ngettext(one, many, n) }}",
                                      n=1234567, share=57.66, one=UNDONE[0], many=UNDONE[1])
        assert page.startswith(f"{number}|{percent}|{number} ")


def _samples() -> list:
    """Whole numbers, halves and tenths that round either way, shares as divisions give them,
    decimals from the database, negatives and non-finite values (those take babel's path)."""
    from decimal import Decimal

    values: list = [0, 1, 9, 999, 1000, 12345, 1234567, 55000, -1, -1234.5, 0.0, -0.0, float("nan"), float("inf")]
    values += [k / 20 for k in range(0, 400)]  # 0.05 steps: every half-way case of one decimal
    values += [100 * a / b for b in (3, 7, 9, 11, 13, 55000) for a in range(0, b + 1, max(1, b // 40))]
    values += [Decimal("57.65"), Decimal("57.75"), Decimal("0.05"), Decimal("1234567.25"), Decimal("3")]
    values += [0.1 + 0.2, 2.675, 1e15 + 0.5, 123456.789]
    return values


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_fast_path_formats_exactly_like_babel(app, lang):
    from flask_babel import format_decimal

    with app.test_request_context(headers={"Accept-Language": lang}):
        for value in _samples():
            for pattern in (i18n.NUMBER, i18n.PERCENT):
                assert i18n.fmt_number(value, pattern) == format_decimal(value, format=pattern), (value, pattern)
            assert i18n.fmt_percent(value) == f"{format_decimal(value, format=i18n.PERCENT)}{NBSP}%", value
        assert i18n._fast_decimal(12345, i18n.NUMBER) is not None  # the fast path is the one taken
        assert i18n._fast_decimal(-5, i18n.NUMBER) is None and i18n._fast_decimal(5, "#,##0.00") is None
        assert i18n._separators("pl") is None  # a language whose grouping rules were not compared


@pytest.mark.parametrize(("lang", "expected"), [
    ("sv", f"2{NBSP}500 påminnelser är ångrade och skickas inte."),
    ("en", "2,500 reminders were undone and will not be sent."),
])
def test_flash_counts_in_the_page_language(app, lang, expected):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert i18n.ngettext(*UNDONE, 2500) == expected


#: Ways of printing a number by hand that bypass main.i18n (dotted decimals, "57 %" with a
#: breaking space, rounding for display).
HAND_FORMATTING = [
    (re.compile(r"""['"]%\.?\d*[fdg]['"]\s*\|\s*format"""), '"%.1f"|format'),
    (re.compile(r"\}\}\s*%"), "}} % (use |percent)"),
    (re.compile(r"%%"), "%% in a translated text (pass the number through |percent or |measure)"),
    (re.compile(r"\|\s*round\b"), "|round (use |number or |percent)"),
]


def test_templates_format_numbers_through_the_filters():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in HAND_FORMATTING:
                if pattern.search(line):
                    found.append(f"{path.relative_to(TEMPLATES)}:{lineno}: {what}")
    assert not found, "\n".join(found)


def test_the_drift_check_catches_hand_formatting():
    samples = ["{{ '%.1f'|format(x) }}", "{{ x }} %", "{{ _('Mål: %(n)s %%', n=x) }}", "{{ x|round(1) }}"]
    assert all(any(p.search(s) for p, _w in HAND_FORMATTING) for s in samples)
    assert not any(p.search("{{ x|percent }} {% if y %}") for p, _w in HAND_FORMATTING)
