"""Forms of the reminder pages: "remind now" and the admins' reminder texts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class RemindForm(FlaskForm):
    """"Påminn valda" on the team page and "Påminn nu" on a person's page; the people are `person` values."""

    requirement = IntegerField(validators=[DataRequired()])
    next = HiddenField()


class RemindAllForm(FlaskForm):
    """"Påminn alla som inte är klara": everyone below `manager` (the signed-in person when empty)."""

    requirement = IntegerField(validators=[DataRequired()])
    manager = IntegerField(validators=[Optional()])
    next = HiddenField()


class UndoRemindForm(FlaskForm):
    """"Ångra" of the last remind-all batch, named by the moment it was queued."""

    requirement = IntegerField(validators=[DataRequired()])
    at = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class ReminderTextForm(FlaskForm):
    """An admin's wording of one kind of reminder; the placeholders are checked by the view."""

    subject = StringField(_l("Ämnesrad"), validators=[
        DataRequired(_l("Skriv en ämnesrad.")), Length(max=300, message=_l("Högst 300 tecken."))])
    body = TextAreaField(_l("Text"), validators=[
        DataRequired(_l("Skriv en text.")), Length(max=20000, message=_l("Högst 20 000 tecken."))])
    person = StringField(_l("Förhandsgranska med (användarnamn eller e-post)"), validators=[
        Optional(), Length(max=320)])
    requirement = SelectField(_l("Förhandsgranska för kravet"), coerce=int, choices=[], validate_choice=False)

    def validate_subject(self, field):
        if "\r" in field.data or "\n" in field.data:
            raise ValidationError(_l("Ämnesraden får inte innehålla radbrytningar."))
