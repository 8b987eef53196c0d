"""Forms of the training pages (labels and messages in Swedish)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

DATE_MESSAGE = _l("Ange ett datum som ÅÅÅÅ-MM-DD.")


class UploadForm(FlaskForm):
    file = FileField(_l("Rapportfil från kompetensportalen (CSV eller XLSX)"),
                     validators=[FileRequired(_l("Välj en fil."))])
    course = SelectField(_l("Kurs"), coerce=int, choices=[])
    mapping = SelectField(_l("Sparad kolumnmappning"), coerce=int, choices=[])
    strict = BooleanField(_l("Strikt läge: importera ingenting om någon rad har problem"))


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


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


class MappingForm(FlaskForm):
    name = StringField(_l("Namn på mappningen"), validators=[DataRequired(_l("Ange ett namn.")), Length(max=200)])
    employee_number = StringField(_l("Kolumn för anställningsnummer"), validators=[Optional(), Length(max=200)])
    username = StringField(_l("Kolumn för användarnamn"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("Kolumn för e-post"), validators=[Optional(), Length(max=200)])
    name_column = StringField(_l("Kolumn för namn"), validators=[Optional(), Length(max=200)])
    course = StringField(_l("Kolumn för kurs"), validators=[Optional(), Length(max=200)])
    status = StringField(_l("Kolumn för status"), validators=[Optional(), Length(max=200)])
    completed_at = StringField(_l("Kolumn för slutförandedatum"), validators=[Optional(), Length(max=200)])

    def columns(self) -> dict:
        fields = {"employee_number": self.employee_number, "username": self.username, "email": self.email,
                  "name": self.name_column, "course": self.course, "status": self.status,
                  "completed_at": self.completed_at}
        return {k: f.data.strip() for k, f in fields.items() if f.data and f.data.strip()}

    def validate_name(self, field):
        if not self.columns():
            raise ValidationError(_l("Ange minst en kolumn."))


class TokenForm(FlaskForm):
    name = StringField(_l("Integrationens namn"), validators=[DataRequired(_l("Ange ett namn.")), Length(max=100)])


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
