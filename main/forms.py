"""Small helpers every package's forms and views share: text cleaning, the Swedish date field,
the CSRF-only action form, putting an operation's error on its field and reading an id."""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import TypeVar

from flask import abort, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.widgets import DateInput

T = TypeVar("T")


class ActionForm(FlaskForm):
    """No fields: the CSRF token of a button that changes something (retry, revoke, delete…)."""


def require_action() -> None:
    """Refuse a button's POST (400) unless its CSRF token is valid."""
    if not ActionForm().validate_on_submit():
        abort(400)


def filled(value: T | None) -> T:
    """A required field's value once its form has validated (its InputRequired refused an empty one)."""
    if value is None:
        raise ValueError("a required form field is empty after validation")
    return value


#: Digits in a row id from a form or URL: more overflow a database integer column.
MAX_ID_DIGITS = 9


def parse_id(raw: str | None) -> int | None:
    """A row id (or a small number) from a form or query value, or None: ASCII digits only
    ("²".isdigit() is true but int() refuses it) and short enough for an integer column (a
    30-digit id would make the database refuse the query). Bad input is "not found", never a 500."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS else None


def error_on_field(form, field: str | None, text: str) -> None:
    """Put an operation's error message on the form field it is about, or flash it when it
    is about the whole thing (or the form has no such field)."""
    if form is not None and field and field in form:
        form[field].errors = list(form[field].errors) + [text]
    else:
        flash(text, "error")


def clean_line(value):
    """One line of text: no control characters (they could break a subject line), trimmed."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()


def clean_text(value):
    """Multi-line text: CRLF → LF, no NUL or other control characters except tab and newline."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc")


class SwedishDateField(Field):
    """<input type=date> with a Swedish error message."""

    widget = DateInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError as exc:
            raise ValueError(_l("Ange ett datum som ÅÅÅÅ-MM-DD.")) from exc
        if not 2000 <= self.data.year <= 2100:
            self.data = None
            raise ValueError(_l("Ange ett datum mellan år 2000 och 2100."))
