"""Forms of the follow-up pages (Swedish labels and messages; choices filled in by the views)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from main.forms import SwedishDateField, clean_line, clean_text
from followup import labels


class NumberField(Field):
    """A number with a decimal comma or point ("72,5"); empty means None."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(int(self.data)) if float(self.data).is_integer() else str(self.data).replace(".", ",")

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip().replace(" ", "").replace("\u00a0", "")
        if not raw:
            return
        try:
            self.data = float(raw.replace(",", "."))
        except ValueError as exc:
            raise ValueError(_l("Ange ett tal, till exempel 72 eller 72,5.")) from exc
        if not -1e9 < self.data < 1e9:
            self.data = None
            raise ValueError(_l("Talet är för stort."))


def _title(label, max_len=300):
    return StringField(label, filters=[clean_line], validators=[
        DataRequired(_l("Ange en rubrik.")), Length(max=max_len, message=_l("Högst %(n)s tecken.", n=max_len))])


def _text(label, rows=4, required=None):
    validators = [Length(max=20000, message=_l("Högst 20 000 tecken."))]
    if required:
        validators.insert(0, DataRequired(required))
    return TextAreaField(label, filters=[clean_text], validators=validators, render_kw={"rows": rows})


class AuditReportForm(FlaskForm):
    title = _title(_l("Rubrik"))
    auditor = StringField(_l("Granskare"), filters=[clean_line], validators=[Length(max=300)])
    issued_on = SwedishDateField(_l("Rapportens datum"), validators=[Optional()])
    answer_due_on = SwedishDateField(_l("Svaret ska lämnas senast"), validators=[Optional()])
    summary = _text(_l("Sammanfattning"))


class RecommendationForm(FlaskForm):
    number = IntegerField(_l("Nummer"), validators=[
        InputRequired(_l("Ange ett nummer.")), NumberRange(min=1, max=999, message=_l("Ange ett nummer 1–999."))])
    text = _text(_l("Rekommendation"), rows=4, required=_l("Skriv rekommendationens text."))
    remarks = _text(_l("Övriga synpunkter"))


class ActionEditForm(FlaskForm):
    title = _title(_l("Åtgärd"))
    description = _text(_l("Beskrivning"))
    owner_id = SelectField(_l("Ansvarig"), coerce=int, choices=[],
                           invalid_choice_message=_l("Välj en person ur listan."))
    due_on = SwedishDateField(_l("Klart senast"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(labels.ACTION_STATUSES.items()),
                         invalid_choice_message=_l("Välj en status ur listan."))
    postponed_reason = _text(_l("Skäl till uppskjutning (krävs när åtgärden skjuts upp)"), rows=2)

    def validate_postponed_reason(self, field):
        if self.status.data == "postponed" and not (field.data or "").strip():
            raise ValidationError(_l("Ange varför åtgärden skjuts upp."))


class CommentForm(FlaskForm):
    text = _text(_l("Kommentar"), rows=3, required=_l("Skriv en kommentar."))


class EvidenceForm(FlaskForm):
    kind = RadioField(_l("Typ av underlag"), choices=list(labels.EVIDENCE_KINDS.items()),
                      invalid_choice_message=_l("Välj vad underlaget är."),
                      validators=[InputRequired(_l("Välj vad underlaget är."))])
    activity_id = SelectField(_l("Aktivitet"), coerce=int, choices=[], validate_choice=False)
    message_id = SelectField(_l("Meddelande"), coerce=int, choices=[], validate_choice=False)
    requirement_id = SelectField(_l("Utbildningskrav"), coerce=int, choices=[], validate_choice=False)
    file = FileField(_l("Fil (PDF, DOCX, XLSX, PNG eller JPEG)"))
    url = StringField(_l("Webbadress"), filters=[clean_line], validators=[Length(max=1000)])
    label = StringField(_l("Beskrivning av underlaget (valfri)"), filters=[clean_line], validators=[Length(max=300)])


class KpiForm(FlaskForm):
    name = _title(_l("Namn"), 200)
    unit = StringField(_l("Enhet (t.ex. st eller %)"), filters=[clean_line], default="st",
                       validators=[Length(max=20)])
    target = NumberField(_l("Målvärde"))
    description = _text(_l("Beskrivning"), rows=3)


class KpiValueForm(FlaskForm):
    period_end = SwedishDateField(_l("Kvartalets sista dag"),
                                  validators=[InputRequired(_l("Ange kvartalets sista dag."))])
    value = NumberField(_l("Värde"))
    target = NumberField(_l("Målvärde"))
    note = StringField(_l("Anmärkning"), filters=[clean_line], validators=[Length(max=1000)])

    def validate_value(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Ange ett värde."))


class BoardForm(FlaskForm):
    name = _title(_l("Nämnd"), 200)
    unit_ids = SelectMultipleField(_l("Förvaltningar"), coerce=int, choices=[],
                                   invalid_value_message=_l("Välj förvaltningar ur listan."),
                                   invalid_choice_message=_l("Välj förvaltningar ur listan."), render_kw={"size": 8})
    report_month = SelectField(_l("Månad för årsrapporten"), coerce=int, choices=[],
                               invalid_choice_message=_l("Välj en månad ur listan."))
