"""Spreadsheet cells that are safe to open: the one rule for every CSV and XLSX export."""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: A cell starting with one of these could be taken as a formula by Excel or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Text that cannot run as a formula (OWASP: prefix with a quote) or break the file."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # the characters the pattern removes are all unprintable: most text skips it
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value
