"""Forms of the privacy package."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class ExtractForm(FlaskForm):
    username = StringField(
        _l("Användarnamn"),
        validators=[DataRequired(_l("Fyll i personens användarnamn.")), Length(max=200, message=_l("För långt."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    format = SelectField(_l("Format"), choices=[("pdf", _l("PDF (läsbar)")), ("json", _l("JSON (maskinläsbar)"))],
                         validators=[DataRequired()])
