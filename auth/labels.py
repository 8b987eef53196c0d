"""The Swedish UI texts for auth's refusals (English comes from the catalog; the CLI prints the
English message of the AuthError itself)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from auth.operations import AuthError

ERRORS = {
    "bad_username": _l("Ogiltigt användarnamn."),
    "short_password": _l("Lösenordet måste ha minst %(min)s tecken."),
    "unknown_role": _l("Okänd roll: %(role)s"),
    "unknown_manager": _l("Det finns ingen chef med användarnamnet %(manager)s."),
}


def error_text(error: AuthError) -> str:
    """The refusal in the UI's language."""
    text = ERRORS.get(error.code)
    return str(text) % error.params if text is not None else str(error)
