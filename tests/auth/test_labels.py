"""AuthError: English for the CLI, the UI's language through auth.labels."""
from __future__ import annotations

import pytest
from flask_babel import force_locale


def test_refusal_is_english_in_the_message_and_translated_for_the_ui(app):
    from auth.labels import error_text
    from auth.operations import AuthError, create_local_user

    with pytest.raises(AuthError) as caught:
        create_local_user("eva", "short")
    assert caught.value.code == "short_password" and "at least 10 characters" in str(caught.value)
    with force_locale("sv"):
        assert error_text(caught.value) == "Lösenordet måste ha minst 10 tecken."
    with force_locale("en"):
        assert error_text(caught.value) == "The password must have at least 10 characters."
