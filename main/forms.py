"""Small helpers every package's views share for forms."""
from __future__ import annotations

from flask import abort, flash
from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """No fields: the CSRF token of a button that changes something (retry, revoke, delete…)."""


def require_action() -> None:
    """Refuse a button's POST (400) unless its CSRF token is valid."""
    if not ActionForm().validate_on_submit():
        abort(400)


def error_on_field(form, field: str | None, text: str) -> None:
    """Put an operation's error message on the form field it is about, or flash it when it
    is about the whole thing (or the form has no such field)."""
    if form is not None and field and field in form:
        form[field].errors = list(form[field].errors) + [text]
    else:
        flash(text, "error")
