"""Forms of the campaign pages (Swedish labels and messages; choices filled in by the views)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import DateTimeLocalInput

from campaign import labels, markup
from campaign.repeat import RepeatFields
from campaign.timeutil import NonexistentLocalTime, local_to_utc, parse_local, utc_to_local
from main.forms import SwedishDateField, clean_line, clean_text
from main.i18n import fmt_number, local_tz


class LocalDateTimeField(Field):
    """<input type=datetime-local> in the region's time zone; `.utc` is the aware UTC value."""

    widget = DateTimeLocalInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.utc = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_data(self, value):
        self.utc = value
        self.data = utc_to_local(value, local_tz()) if value else None

    def process_formdata(self, valuelist):
        self.data = self.utc = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            naive = parse_local(valuelist[0])
        except ValueError as exc:
            raise ValueError(_l("Ange datum och tid som ÅÅÅÅ-MM-DD TT:MM.")) from exc
        if not 2000 <= naive.year <= 2100:
            raise ValueError(_l("Ange ett datum mellan år 2000 och 2100."))
        self.data = naive
        try:
            self.utc = local_to_utc(naive, local_tz())
        except NonexistentLocalTime as exc:
            raise ValueError(labels.ERRORS[exc.code]) from exc


def _units_field(label):
    return SelectMultipleField(label, coerce=int, choices=[], validate_choice=True,
                               invalid_value_message=_l("Okänd enhet. Välj enheter ur listan."),
                               invalid_choice_message=_l("Okänd enhet. Välj enheter ur listan."),
                               render_kw={"size": 12})


def _person_field(label):
    return SelectField(label, coerce=int, choices=[], validate_choice=True,
                       invalid_choice_message=_l("Välj en person ur listan."),
                       validators=[DataRequired(_l("Välj en person ur listan."))])


class MessageForm(FlaskForm):
    title = StringField(_l("Titel"), filters=[clean_line], validators=[
        DataRequired(_l("Ange en titel.")), Length(max=200, message=_l("Titeln får vara högst 200 tecken."))])
    body = TextAreaField(_l("Text (Markdown)"), filters=[clean_text], validators=[DataRequired(_l("Skriv en text."))],
                         render_kw={"rows": 14})
    channel = SelectField(_l("Kanal"), choices=[], invalid_choice_message=_l("Välj en kanal ur listan."))
    audience = RadioField(_l("Målgrupp"), choices=list(labels.AUDIENCES.items()), default="all",
                          invalid_choice_message=_l("Välj en målgrupp."))
    unit_ids = _units_field(_l("Enheter (med underliggande enheter)"))
    planned_at = LocalDateTimeField(_l("Planerad tid"), validators=[InputRequired(_l("Ange datum och tid."))])
    owner_id = _person_field(_l("Ansvarig"))
    campaign_id = SelectField(_l("Kampanj"), coerce=int, choices=[], invalid_choice_message=_l("Välj en kampanj ur listan."))
    form_token = HiddenField()
    version = HiddenField()

    def validate_body(self, field):
        limit = current_app.config["PLAN_BODY_MAX_CHARS"]
        if len(field.data or "") > limit:
            raise ValidationError(_l("Texten är för lång: högst %(limit)s tecken (den är %(n)s).",
                                     limit=fmt_number(limit), n=fmt_number(len(field.data))))
        unknown = markup.unknown_placeholders(self.title.data or "", field.data or "")
        if unknown:
            raise ValidationError(_l("Okänd platshållare: %(names)s. Tillåtna är %(known)s.",
                                     names=", ".join("{%s}" % n for n in unknown),
                                     known=", ".join("{%s}" % n for n in markup.PLACEHOLDERS)))

    def validate_unit_ids(self, field):
        if self.audience.data == "units" and not field.data:
            raise ValidationError(_l("Välj minst en enhet."))


def _http_url(form, field):
    if field.data:
        parts = urlsplit(field.data)
        if parts.scheme not in ("http", "https") or not parts.netloc or not markup.safe_url(field.data):
            raise ValidationError(_l("Ange en fullständig adress som börjar med https://."))


class ActivityForm(RepeatFields, FlaskForm):
    title = StringField(_l("Titel"), filters=[clean_line], validators=[
        DataRequired(_l("Ange en titel.")), Length(max=200, message=_l("Titeln får vara högst 200 tecken."))])
    description = TextAreaField(_l("Beskrivning"), filters=[clean_text], validators=[
        Length(max=10000, message=_l("Beskrivningen får vara högst 10 000 tecken."))], render_kw={"rows": 5})
    theme = SelectField(_l("Tema"), choices=[], invalid_choice_message=_l("Välj ett av kampanjens teman."))
    kind = SelectField(_l("Typ"), choices=list(labels.ACTIVITY_KINDS.items()),
                       invalid_choice_message=_l("Välj en typ ur listan."))
    starts_at = LocalDateTimeField(_l("Börjar"), validators=[InputRequired(_l("Ange när aktiviteten börjar."))])
    ends_at = LocalDateTimeField(_l("Slutar"), validators=[InputRequired(_l("Ange när aktiviteten slutar."))])
    place = StringField(_l("Plats"), filters=[clean_line], validators=[
        Length(max=300, message=_l("Högst 300 tecken."))])
    online_url = StringField(_l("Länk till mötet"), filters=[clean_line], validators=[
        Length(max=500, message=_l("Högst 500 tecken.")), _http_url])
    whole_region = RadioField(_l("Målgrupp"), choices=[("1", _l("Hela regionen")), ("0", _l("Valda enheter"))],
                              default="1", invalid_choice_message=_l("Välj en målgrupp."))
    unit_ids = _units_field(_l("Enheter (med underliggande enheter)"))
    capacity = IntegerField(_l("Antal platser"), validators=[
        Optional(), NumberRange(min=1, max=100000, message=_l("Ange ett antal mellan 1 och 100 000."))])
    organiser_id = _person_field(_l("Arrangör"))
    status = SelectField(_l("Status"), choices=list(labels.ACTIVITY_STATUSES.items()),
                         invalid_choice_message=_l("Välj en status ur listan."))
    form_token = HiddenField()

    def validate_capacity(self, field):
        if field.raw_data and field.raw_data[0].strip() and field.data is None:
            raise ValidationError(_l("Ange antalet som ett heltal."))

    def validate_ends_at(self, field):
        if field.utc and self.starts_at.utc and field.utc <= self.starts_at.utc:
            raise ValidationError(_l("Slutet måste vara efter början."))

    def validate_unit_ids(self, field):
        if self.whole_region.data == "0" and not field.data:
            raise ValidationError(_l("Välj minst en enhet."))


class CampaignForm(FlaskForm):
    title = StringField(_l("Namn"), filters=[clean_line], validators=[
        DataRequired(_l("Ange ett namn.")), Length(max=200, message=_l("Namnet får vara högst 200 tecken."))])
    starts_on = SwedishDateField(_l("Första dag"), validators=[InputRequired(_l("Ange första dagen."))])
    ends_on = SwedishDateField(_l("Sista dag"), validators=[InputRequired(_l("Ange sista dagen."))])
    goals = TextAreaField(_l("Mål"), filters=[clean_text], validators=[
        Length(max=10000, message=_l("Högst 10 000 tecken."))], render_kw={"rows": 4})
    themes = TextAreaField(_l("Teman (ett per rad)"), filters=[clean_text], validators=[
        DataRequired(_l("Ange minst ett tema.")), Length(max=2000, message=_l("Högst 2 000 tecken."))],
        render_kw={"rows": 5})
    owner_id = _person_field(_l("Ansvarig"))

    def theme_list(self) -> list[str]:
        seen = []
        for line in (self.themes.data or "").split("\n"):
            line = clean_line(line)[:200]
            if line and line not in seen:
                seen.append(line)
        return seen

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Sista dagen kan inte vara före den första."))


class MoveForm(FlaskForm):
    comment = TextAreaField(_l("Kommentar"), filters=[clean_text], validators=[
        Length(max=2000, message=_l("Högst 2 000 tecken."))], render_kw={"rows": 2})
    version = HiddenField()


class OccurrenceForm(FlaskForm):
    """Cancel or move one occurrence of a recurring activity (campaign/occurrences.py)."""

    occurrence = SelectField(_l("Tillfälle"), choices=[], invalid_choice_message=_l("Välj ett tillfälle ur listan."))
    action = RadioField(_l("Vad ska hända?"), choices=[("cancel", _l("Ställ in tillfället")),
                                                       ("move", _l("Flytta tillfället"))],
                        default="cancel", invalid_choice_message=_l("Välj om tillfället ska ställas in eller flyttas."))
    new_starts_at = LocalDateTimeField(_l("Ny början"))
    new_ends_at = LocalDateTimeField(_l("Nytt slut"))

    def validate_new_starts_at(self, field):
        if self.action.data == "move" and field.utc is None and not field.errors:
            raise ValidationError(_l("Ange när det flyttade tillfället börjar."))

    def validate_new_ends_at(self, field):
        if self.action.data == "move" and field.utc is None and not field.errors:
            raise ValidationError(_l("Ange när det flyttade tillfället slutar."))
