"""main.i18n's cheap reads of the request's language (page_locale, page_translations, the
WTForms messages) answer what Flask-Babel and Flask-WTF answer: force_locale and refresh
included, so an upgrade that moves the attributes they read fails here, not on a page."""
from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale, get_locale, get_translations, refresh
from wtforms import StringField
from wtforms.validators import DataRequired

from main import i18n
from main.forms import ActionForm


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_page_locale_and_translations_agree_with_flask_babel(app, lang):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert i18n.page_locale() is get_locale()
        assert str(i18n.page_locale()) == lang
        assert i18n.page_translations() is get_translations()
        other = "en" if lang == "sv" else "sv"
        with force_locale(other):
            assert str(i18n.page_locale()) == other == str(get_locale())
            assert i18n.page_translations() is get_translations()
            assert render_template_string("{{ _('Mitt team') }}") == ("My team" if other == "en" else "Mitt team")
        assert str(i18n.page_locale()) == lang
        assert render_template_string("{{ _('Mitt team') }}") == ("My team" if lang == "en" else "Mitt team")
        refresh()
        assert i18n.page_locale() is get_locale() and str(get_locale()) == lang


def test_outside_a_request_the_default_language_holds(app):
    with app.app_context():
        assert str(i18n.page_locale()) == str(get_locale()) == "sv"
        assert app.jinja_env.from_string("{{ _('Mitt team') }}").render() == "Mitt team"


class _Named(ActionForm):
    name = StringField("name", validators=[DataRequired()])


@pytest.mark.parametrize(("lang", "message"), [("en", "This field is required."), ("sv", "Det här fältet är obligatoriskt.")])
def test_wtforms_messages_follow_the_page_and_are_parsed_once(app, lang, message):
    i18n._wtforms_catalogue.cache_clear()
    for _ in range(3):
        with app.test_request_context(method="POST", data={}, headers={"Accept-Language": lang}):
            app.preprocess_request()
            form = _Named(meta={"csrf": False})
            assert not form.validate()
            assert form.name.errors == [message]
    assert i18n._wtforms_catalogue.cache_info().misses == 1


def test_page_locale_reads_what_flask_babel_remembered(app, monkeypatch):
    """The cheap path is taken: once Flask-Babel has chosen the locale, neither helper asks it again."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        chosen, catalogue = get_locale(), i18n.page_translations()

        def asked(*_args):
            raise AssertionError("Flask-Babel asked again")

        monkeypatch.setattr(i18n, "get_locale", asked)
        monkeypatch.setattr(i18n, "get_translations", asked)
        assert i18n.page_locale() is chosen
        assert i18n.page_translations() is catalogue
        assert i18n.fmt_number(1234) == "1,234"
