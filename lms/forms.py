"""Forms of the LMS pages: upload and confirm a report, column mappings, API tokens."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class UploadForm(FlaskForm):
    file = FileField(_l("Rapportfil från kompetensportalen (CSV eller XLSX)"),
                     validators=[FileRequired(_l("Välj en fil."))])
    course = SelectField(_l("Kurs"), coerce=int, choices=[])
    mapping = SelectField(_l("Sparad kolumnmappning"), coerce=int, choices=[])
    strict = BooleanField(_l("Strikt läge: importera ingenting om någon rad har problem"))


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


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
