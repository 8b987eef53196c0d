"""Forms of the training pages (labels and messages in Swedish)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from campaign import markup

DATE_MESSAGE = _l("Ange ett datum som ÅÅÅÅ-MM-DD.")


class ExemptionForm(FlaskForm):
    reason = StringField(_l("Skäl"), validators=[DataRequired(_l("Ange ett skäl.")),
                                                 Length(max=500, message=_l("Högst 500 tecken."))])
    starts_on = DateField(_l("Från och med"), validators=[DataRequired(DATE_MESSAGE)])
    ends_on = DateField(_l("Till och med"), validators=[DataRequired(DATE_MESSAGE)])
    course = SelectField(_l("Gäller kurs"), coerce=int, choices=[])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Slutdatumet ligger före startdatumet."))


class CourseForm(FlaskForm):
    code = StringField(_l("Kod"), validators=[DataRequired(_l("Ange en kod.")), Length(max=40)])
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Ange ett namn.")), Length(max=200)])
    url = StringField(_l("Länk till kursen (tomt = standardlänken)"), validators=[Optional(), Length(max=1000)])
    duration_minutes = IntegerField(_l("Hur lång tid kursen tar (minuter)"), validators=[
        Optional(), NumberRange(min=1, max=1440, message=_l("Ange ett antal minuter mellan 1 och 1440."))])

    def validate_url(self, field):
        if markup.url_refusal(field.data):
            raise ValidationError(_l("Ange en adress som börjar med https://, http:// eller mailto:."))


class VersionForm(FlaskForm):
    course = SelectField(_l("Kurs"), coerce=int, choices=[])
    name = StringField(_l("Versionens namn"), validators=[DataRequired(_l("Ange ett namn.")), Length(max=200)])
    lms_name = StringField(_l("Namn i kompetensportalens rapporter (tomt = samma)"),
                           validators=[Optional(), Length(max=200)])
    published_on = DateField(_l("Publicerad"), validators=[DataRequired(DATE_MESSAGE)])


class RequirementForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Ange ett namn.")), Length(max=200)])
    course = SelectField(_l("Kurs"), coerce=int, choices=[])
    audience = RadioField(_l("Gäller"), choices=[("all", _l("All personal")), ("units", _l("Valda enheter"))],
                          default="all")
    units = SelectMultipleField(_l("Enheter (med underliggande enheter)"), coerce=int, choices=[])
    due_on = DateField(_l("Sista datum för nuvarande personal"), validators=[Optional()])
    new_starter_days = IntegerField(_l("Nyanställda: dagar från startdatum"),
                                    validators=[Optional(), NumberRange(0, 365, _l("Mellan 0 och 365."))])
    renewal_months = IntegerField(_l("Förnyas var … månad"),
                                  validators=[Optional(), NumberRange(1, 120, _l("Mellan 1 och 120."))])
    current_version = SelectField(_l("Version som gäller"), coerce=int, choices=[])
    transition_on = DateField(_l("Äldre versioner gäller till och med"), validators=[Optional()])
    active = BooleanField(_l("Aktivt"), default=True)
