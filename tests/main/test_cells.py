"""The one rule for spreadsheet cells (`main.cells.safe_cell`): no formulas, no characters
that break an XLSX file, ordinary text untouched (and not run through the pattern)."""
from __future__ import annotations

from datetime import date

import pytest

from main.cells import safe_cell, safe_row


@pytest.mark.parametrize(("value", "expected"), [
    ("Åsa Öberg", "Åsa Öberg"),
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("+46 70", "'+46 70"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),  # a tab is kept (it is legal in XLSX) and may not start a cell
    ("\r\n=1", "'\r\n=1"),
    ("a\x00b\x07c\x1fd", "abcd"),  # control characters XLSX cannot hold
    ("\x01=1", "'=1"),  # removed first, then the formula start is seen
    ("en\u00a0dash", "en\u00a0dash"),  # unprintable to Python but legal: kept
    ("", ""),
    (None, None),
    (5, 5),
    (date(2026, 12, 7), date(2026, 12, 7)),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
    assert safe_row(["plain", value]) == ["plain", expected]  # the row's shortcut keeps the rule


def test_the_illegal_characters_are_openpyxls():
    """`main.cells` writes openpyxl's pattern out (so the app does not import openpyxl at start);
    it must stay the one openpyxl refuses when it writes a cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from main.cells import ILLEGAL_CHARACTERS_RE as ours

    assert ours.pattern == ILLEGAL_CHARACTERS_RE.pattern
    assert [c for c in map(chr, range(128)) if ours.search(c)] == [
        c for c in map(chr, range(128)) if ILLEGAL_CHARACTERS_RE.search(c)]
