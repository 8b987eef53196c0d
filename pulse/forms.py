"""Forms of the pulse package: a new pulse with up to ten questions, and its audience."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from campaign import labels
from main.forms import SwedishDateField, clean_line, clean_text
from pulse.rules import MAX_QUESTIONS, QuestionSpec

QUESTION_KINDS = [("choice", _l("Flerval med ett rätt svar")), ("scale", _l("Instämmer 1–5"))]


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class QuestionForm(Form):
    key = StringField(_l("Frågans nyckel (samma nyckel i flera mätningar ger trend)"), filters=[clean_line],
                      validators=[Length(max=80)])
    kind = SelectField(_l("Typ"), choices=QUESTION_KINDS, default="choice")
    text_sv = TextAreaField(_l("Fråga (svenska)"), filters=[clean_text], render_kw={"rows": 2})
    text_en = TextAreaField(_l("Fråga (engelska)"), filters=[clean_text], render_kw={"rows": 2})
    options_sv = TextAreaField(_l("Svarsalternativ (svenska, ett per rad)"), filters=[clean_text],
                               render_kw={"rows": 4})
    options_en = TextAreaField(_l("Svarsalternativ (engelska, ett per rad)"), filters=[clean_text],
                               render_kw={"rows": 4})
    correct = IntegerField(_l("Rätt alternativ (nummer)"), validators=[Optional(), NumberRange(min=1, max=6)])
    explanation_sv = TextAreaField(_l("Förklaring (svenska)"), filters=[clean_text], render_kw={"rows": 2})
    explanation_en = TextAreaField(_l("Förklaring (engelska)"), filters=[clean_text], render_kw={"rows": 2})

    def is_blank(self) -> bool:
        return not (self.text_sv.data or "").strip()

    def spec(self) -> QuestionSpec:
        return QuestionSpec(key=self.key.data or "", kind=self.kind.data, text_sv=self.text_sv.data or "",
                            text_en=self.text_en.data or "", options_sv=_lines(self.options_sv.data),
                            options_en=_lines(self.options_en.data),
                            correct=self.correct.data - 1 if self.correct.data else None,
                            explanation_sv=self.explanation_sv.data or "", explanation_en=self.explanation_en.data or "")


class PulseForm(FlaskForm):
    title_sv = StringField(_l("Rubrik (svenska)"), filters=[clean_line], validators=[
        DataRequired(_l("Ange en rubrik.")), Length(max=200, message=_l("Rubriken får vara högst 200 tecken."))])
    title_en = StringField(_l("Rubrik (engelska)"), filters=[clean_line], validators=[Length(max=200)])
    audience = RadioField(_l("Målgrupp"), choices=list(labels.AUDIENCES.items()), default="all",
                          invalid_choice_message=_l("Välj en målgrupp."))
    unit_ids = SelectMultipleField(_l("Enheter (med underliggande enheter)"), coerce=int, choices=[],
                                   invalid_choice_message=_l("Okänd enhet. Välj enheter ur listan."),
                                   render_kw={"size": 8})
    opens_on = SwedishDateField(_l("Öppnar"), validators=[InputRequired(_l("Ange första dagen."))])
    closes_on = SwedishDateField(_l("Stänger"), validators=[InputRequired(_l("Ange sista dagen."))])
    questions = FieldList(FormField(QuestionForm), min_entries=MAX_QUESTIONS, max_entries=MAX_QUESTIONS)

    def question_specs(self) -> list[QuestionSpec]:
        return [entry.form.spec() for entry in self.questions if not entry.form.is_blank()]


class AudienceForm(FlaskForm):
    audience = RadioField(_l("Målgrupp"), choices=list(labels.AUDIENCES.items()),
                          invalid_choice_message=_l("Välj en målgrupp."))
    unit_ids = SelectMultipleField(_l("Enheter (med underliggande enheter)"), coerce=int, choices=[],
                                   invalid_choice_message=_l("Okänd enhet. Välj enheter ur listan."),
                                   render_kw={"size": 8})
