"""Spreadsheet cells that are safe to open: the one rule for every CSV and XLSX export."""
from __future__ import annotations

import re
from collections.abc import Iterable

#: The control characters a spreadsheet cell cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE,
#: written out here so that the app does not import openpyxl at start (tests/main/test_cells.py
#: checks the two patterns are the same).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

#: A cell starting with one of these could be taken as a formula by Excel or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Text that cannot run as a formula (OWASP: prefix with a quote) or break the file."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # the characters the pattern removes are all unprintable: most text skips it
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_row(values: Iterable) -> list:
    """`safe_cell` for each value of a row. Printable text without a formula start, most of any
    export, is taken as it is (what `safe_cell` returns for it) without the call: a 55,000-row
    export has 440,000 cells, and the call was half of writing them."""
    return [v if v.__class__ is str and v.isprintable() and not v.startswith(FORMULA_START) else safe_cell(v)
            for v in values]
