"""The wording of training reminders: built-in texts, admins' own versions, placeholders.

Four kinds, each in Swedish and English (the recipient's chosen language; Swedish when
none was chosen): the employee's reminder, the reminder to someone done with an older course
version that counts only until the transition date ("renewal"), the manager's digest and the
escalation to the manager's manager. Bodies are Markdown and go through the same sanitiser as the
communication plan's messages (`campaign.markup`); placeholder values are escaped, and
the links ({kurslänk}, {teamlänk}) become links. {lista} is the list of people a digest
or escalation is about, built here from escaped names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from flask import current_app
from markupsafe import escape
from sqlalchemy import delete, select

from campaign import markup
from extensions import db
from models import CourseVersion, ReminderTemplate
from models.reminders import DIGEST, EMPLOYEE, ESCALATION, RENEWAL
from reminders.defaults import DEFAULTS

KINDS = (EMPLOYEE, RENEWAL, DIGEST, ESCALATION)
LOCALES = ("sv", "en")
#: Placeholders each kind may use (the form refuses others).
PLACEHOLDERS = {
    EMPLOYEE: ("förnamn", "namn", "kurs", "sista_datum", "status", "kurslänk", "kurslängd", "chef"),
    RENEWAL: ("förnamn", "namn", "kurs", "version", "ny_version", "gäller_till", "kurslänk", "kurslängd", "chef"),
    DIGEST: ("förnamn", "namn", "kurs", "antal", "lista", "teamlänk"),
    ESCALATION: ("förnamn", "namn", "kurs", "antal", "dagar", "lista", "teamlänk"),
}
LINKS = frozenset({"kurslänk", "teamlänk"})
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")

#: A digest line's state for someone done with an older version that counts until the transition date.
VALID_UNTIL = "valid_until"
#: Words for the statuses, per language (not the UI's language: the recipient's).
STATUS_WORDS = {
    "sv": {"not_started": "inte påbörjad", "in_progress": "påbörjad", "overdue": "försenad",
           "completed": "genomförd", "exempt": "undantagen", VALID_UNTIL: "klar med en äldre version"},
    "en": {"not_started": "not started", "in_progress": "in progress", "overdue": "overdue",
           "completed": "completed", "exempt": "exempt", VALID_UNTIL: "done with an older version"},
}
LIST_WORDS = {
    "sv": {"due": "sista datum", "under": "Hos {name}", "none": "(ingen)", "no_address": "saknar e-postadress",
           "manager": "din chef"},
    "en": {"due": "due", "under": "Reporting to {name}", "none": "(nobody)", "no_address": "no e-mail address",
           "manager": "your manager"},
}


def recipient_locale(locale: str | None) -> str:
    return "en" if (locale or "").lower().startswith("en") else "sv"


def format_day(day: date | None, locale: str) -> str:
    """"30 november 2024" / "30 November 2024" (British order, as Swedes write dates)."""
    return format_date(day, "long", locale="en_GB" if locale == "en" else locale) if day else ""


def format_minutes(minutes: int | None, locale: str) -> str:
    if not minutes:
        return "en kort stund" if locale == "sv" else "a short while"
    if locale == "sv":
        return f"ungefär {minutes} minuter"
    return f"about {minutes} minutes"


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    #: True when an admin's own text, False for the built-in one.
    custom: bool = False


def wording(kind: str, locale: str) -> Wording:
    """The admins' text for (kind, locale) if saved, else the built-in one."""
    saved = db.session.scalar(select(ReminderTemplate).where(
        ReminderTemplate.kind == kind, ReminderTemplate.locale == locale))
    if saved is not None:
        return Wording(saved.subject, saved.body, True)
    return Wording(*DEFAULTS[(kind, locale)])


def saved_texts() -> set[tuple[str, str]]:
    """(kind, locale) of the texts admins have changed."""
    return set(db.session.execute(select(ReminderTemplate.kind, ReminderTemplate.locale)).tuples())


def save_wording(kind: str, locale: str, subject: str, body: str, by_id: int | None) -> None:
    """Store an admin's text for (kind, locale) (the caller commits)."""
    row = db.session.scalar(select(ReminderTemplate).where(
        ReminderTemplate.kind == kind, ReminderTemplate.locale == locale))
    if row is None:
        row = ReminderTemplate(kind=kind, locale=locale)
        db.session.add(row)
    row.subject, row.body, row.updated_by_id = " ".join(subject.split()), body, by_id


def reset_wording(kind: str, locale: str) -> None:
    """Back to the built-in text (the caller commits)."""
    db.session.execute(delete(ReminderTemplate).where(
        ReminderTemplate.kind == kind, ReminderTemplate.locale == locale))


def unknown_placeholders(kind: str, *texts: str) -> list[str]:
    allowed = PLACEHOLDERS[kind]
    found: list[str] = []
    for text in texts:
        for name in _PLACEHOLDER.findall(text or ""):
            if name not in allowed and name not in found:
                found.append(name)
    return found


@dataclass(frozen=True)
class ListedPerson:
    """A line of a digest or escalation."""

    name: str
    unit: str
    state: str
    due_on: date | None
    #: The reminder could not be mailed to them: the manager is the one who can reach them.
    no_address: bool = False


@dataclass
class Values:
    """What the placeholders are filled with for one recipient."""

    fields: dict[str, str]
    #: For {lista}: plain lines, or {manager name: lines} for an escalation.
    people: list[ListedPerson] | dict[str, list[ListedPerson]] = field(default_factory=list)


def _line(p: ListedPerson, locale: str) -> str:
    words = LIST_WORDS[locale]
    parts = [p.name + (f" ({p.unit})" if p.unit else ""), STATUS_WORDS[locale].get(p.state, p.state)]
    if p.due_on:
        parts.append(f"{words['due']} {format_day(p.due_on, locale)}")
    if p.no_address:
        parts.append(words["no_address"])
    return " – ".join(parts)


def list_html(people, locale: str) -> str:
    """{lista} as an HTML list (names escaped); nested per manager for escalations."""
    def items(lines: list[ListedPerson]) -> str:
        return "".join(f"<li>{escape(_line(p, locale))}</li>" for p in lines)

    if isinstance(people, dict):
        groups = "".join(
            f"<li>{escape(LIST_WORDS[locale]['under'].format(name=manager))}<ul>{items(lines)}</ul></li>"
            for manager, lines in people.items())
        return f"<ul>{groups}</ul>" if groups else f"<p>{LIST_WORDS[locale]['none']}</p>"
    return f"<ul>{items(people)}</ul>" if people else f"<p>{LIST_WORDS[locale]['none']}</p>"


def _in_attribute(match: re.Match) -> bool:
    """Whether the placeholder sits inside a tag (href="{kurslänk}"), not in the text."""
    before = match.string[:match.start()]
    return before.rfind("<") > before.rfind(">")


def lista_misplaced(body: str) -> bool:
    """{lista} must stand on a line of its own (it becomes a list, which cannot sit inside a sentence)."""
    return any("{lista}" in line and line.strip() != "{lista}" for line in (body or "").splitlines())


def _fill(template: str, values: Values, locale: str, *, html: bool) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name == "lista":
            return list_html(values.people, locale) if html else list_text(values.people, locale)
        if name not in values.fields:
            return match.group(0)
        value = values.fields[name]
        if name in LINKS:
            value = markup.safe_url(value)  # a course link is data: never a javascript: or data: link
        if not html:
            return value
        if name in LINKS and value and not _in_attribute(match):  # [text]({kurslänk}) is already a link
            return f'<a href="{escape(value)}">{escape(value)}</a>'
        return str(escape(value))

    return _PLACEHOLDER.sub(replace, template or "")


@lru_cache(maxsize=32)
def _prepared(body: str) -> tuple[str, str]:
    """The Markdown of a text as sanitised HTML and as plain text, placeholders still in,
    once per text: a round fills them in for every recipient."""
    html = markup.to_html(body).replace("<p>{lista}</p>", "{lista}")
    return html, markup.to_text(html)


def list_text(people, locale: str) -> str:
    """{lista} in the plain-text part."""
    def lines(items: list[ListedPerson], indent: str = "") -> list[str]:
        return [f"{indent}- {_line(p, locale)}" for p in items]

    if isinstance(people, dict):
        out = []
        for manager, items in people.items():
            out += [f"- {LIST_WORDS[locale]['under'].format(name=manager)}", *lines(items, "  ")]
        return "\n".join(out) or LIST_WORDS[locale]["none"]
    return "\n".join(lines(people)) or LIST_WORDS[locale]["none"]


def render(text: Wording, values: Values, locale: str) -> markup.Rendered:
    """Subject, HTML and plain text of a reminder for one recipient."""
    subject = " ".join(_fill(text.subject, values, locale, html=False).split())
    body_html, body_text = _prepared(text.body)
    # Sanitised again after filling in: a course link is data, and only http(s) links may come through.
    html = markup.sanitise(_fill(body_html, values, locale, html=True))
    return markup.Rendered(subject, html, _fill(body_text, values, locale, html=False))


# --- what the placeholders are filled with --------------------------------------------

def course_url(requirement) -> str:
    return requirement.course.url or current_app.config["COURSE_URL"]


def team_url(requirement) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/training/team?requirement={requirement.id}"


def employee_values(person, manager, state: str, due_on: date | None, requirement) -> Values:
    """For an employee's reminder; `person` and `manager` are anything with a name, given_name and locale."""
    locale = recipient_locale(person.locale)
    return Values({
        "förnamn": person.given_name or person.name, "namn": person.name, "kurs": requirement.course.name,
        "sista_datum": format_day(due_on, locale), "status": STATUS_WORDS[locale].get(state, state),
        "kurslänk": course_url(requirement), "kurslängd": format_minutes(requirement.course.duration_minutes, locale),
        "chef": manager.name if manager is not None else LIST_WORDS[locale]["manager"],
    })


def renewal_values(person, manager, version_name: str, requirement) -> Values:
    """For the reminder to someone done with `version_name`, an older version that counts only
    until the requirement's transition date; the new version is the requirement's current one."""
    locale = recipient_locale(person.locale)
    values = employee_values(person, manager, "completed", requirement.transition_on, requirement)
    current = requirement.current_version
    values.fields.update({"version": version_name, "ny_version": current.name if current else requirement.course.name,
                          "gäller_till": format_day(requirement.transition_on, locale)})
    return values


def round_values(person, manager, state: str, due_on: date | None, requirement,
                 old_version_id: int | None = None) -> tuple[str, str, Values]:
    """(text kind, state for the digest, values) of a round's reminder: the "renewal" text for someone
    done with the older version `old_version_id`, else the employee reminder."""
    if old_version_id is None:
        return EMPLOYEE, state, employee_values(person, manager, state, due_on, requirement)
    version = db.session.get(CourseVersion, old_version_id)
    return RENEWAL, VALID_UNTIL, renewal_values(person, manager, version.name if version else "", requirement)


def list_values(recipient, requirement, people: list[ListedPerson] | dict[str, list[ListedPerson]],
                days: int | None = None) -> Values:
    """For a digest (a list) or an escalation ({manager name: list}, `days` overdue)."""
    count = len(people) if isinstance(people, list) else sum(len(v) for v in people.values())
    fields = {"förnamn": recipient.given_name or recipient.name, "namn": recipient.name,
              "kurs": requirement.course.name, "antal": str(count), "teamlänk": team_url(requirement)}
    if days is not None:
        fields["dagar"] = str(days)
    return Values(fields, people)
