"""Forms of the auth package."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from models.auth import GRANTABLE_ROLES


class LoginForm(FlaskForm):
    username = StringField(
        _l("Användarnamn"),
        validators=[DataRequired(_l("Fyll i ditt användarnamn.")), Length(max=200, message=_l("För långt."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Lösenord"),
        validators=[DataRequired(_l("Fyll i ditt lösenord.")), Length(max=1000, message=_l("För långt."))],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Roll"),
        choices=list(GRANTABLE_ROLES),
        validators=[DataRequired()],
    )
    action = SelectField(_l("Åtgärd"), choices=["grant", "revoke"])
