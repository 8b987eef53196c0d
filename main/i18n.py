"""Language and time zone selection, and the one place that formats dates, times and numbers.

Numbers follow the page's language: Swedish "1 234 567", "57,7 %" (a no-break space
between thousands and before the per cent sign), English "1,234,567", "57.7 %". Templates,
charts, documents and flash messages all call the helpers here (filters `number`, `percent`,
`share`, `measure`); a test in tests/main keeps templates from formatting numbers by hand.

Order for the language: the signed-in user's choice, then the anonymous visitor's
choice kept in the session, then the browser's Accept-Language, then Swedish.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from wtforms.i18n import messages_path as wtforms_messages_path

LANGUAGES = ("sv", "en")


def select_locale() -> str:
    if not has_request_context():  # CLI and scheduled jobs: the default language, no user to ask
        return "sv"
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request:
        return request.accept_languages.best_match(LANGUAGES, default="sv") or "sv"
    return "sv"


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def page_locale() -> Locale | None:
    """flask_babel.get_locale(), at a fraction of its cost.

    Flask-Babel (4.x) keeps the locale chosen for the request, and the one `force_locale` sets,
    on `g._flask_babel.babel_locale`; its own get_locale reaches it through about ten
    context-proxy lookups a call, and a team page asks some 400 times (numbers, dates,
    translated texts): about a seventh of the page's CPU (issue 19: pages cost what is on the
    screen). This reads the attribute from the application context's `g` (through Flask's
    context variable, `flask.globals._cv_app`) and asks Flask-Babel whenever it is not there
    yet (first call in a request, after `refresh()`, outside a context).
    tests/main/test_page_locale.py holds both answers equal, `force_locale` included, so a
    Flask or Flask-Babel upgrade that moves either attribute fails there, not on a page."""
    _state, locale = _babel_state()
    return locale if locale is not None else get_locale()


def _babel_state() -> tuple[Any, Locale | None]:
    """(Flask-Babel's per-request namespace, the locale it chose), or Nones: the one place
    that reads those private attributes (see page_locale)."""
    ctx = _cv_app.get(None)
    state = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    return state, getattr(state, "babel_locale", None)


def page_translations() -> NullTranslations:
    """flask_babel.get_translations(), remembered for the request's locale (see page_locale):
    the catalogue a template's `_()` and `ngettext()` read."""
    babel_state, locale = _babel_state()
    if babel_state is None or locale is None:
        return get_translations()
    remembered = getattr(babel_state, "vaksam_translations", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = get_translations()
    babel_state.vaksam_translations = (locale, translations)
    return translations


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> NullTranslations:
    return Translations.load(wtforms_messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("Det här fältet är obligatoriskt.") in the page's language, from one
    parsed catalogue per language. Flask-WTF reads them from `request.wtforms_translations`
    and, when that is unset, parses WTForms' .mo file again for every request that shows a
    form (about 0.3 ms, on every page with a button); init_app sets this object there."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(str(page_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(page_locale())).ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WTFormsMessages()


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def fmt_datetime(value: datetime | None, fmt: str = "short") -> str:
    """'28 nov. 2026 14:03' in Swedish, local time; empty for None."""
    if value is None:
        return ""
    if fmt == "short":
        pattern = "d MMM y HH:mm" if str(page_locale()) == "sv" else "d MMM y, HH:mm"
        return format_datetime(value, pattern)
    return format_datetime(value, fmt)


def fmt_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def fmt_iso(value: datetime | None) -> str:
    """Machine-readable value for <time datetime=…>."""
    return value.isoformat() if value else ""


#: No-break space: between thousands in Swedish, and between a number and its per cent sign.
NBSP = "\u00a0"
#: At most one decimal: counts stay whole ("12 345"), measures get one ("3,5").
NUMBER = "#,##0.#"
#: Always one decimal, as shares are compared with each other ("57,7 %", "90,0 %").
PERCENT = "#,##0.0"


def fmt_number(value: int | float | None, pattern: str = NUMBER) -> str:
    """'12 345' or '3,5' in Swedish (a no-break space between thousands), '12,345' or '3.5' in English;
    empty for None."""
    if value is None:
        return ""
    return _fast_decimal(value, pattern) or format_decimal(value, format=pattern)


def fmt_percent(value: int | float | None, pattern: str = PERCENT) -> str:
    """'57,7 %' in Swedish, '57.7 %' in English (a no-break space before the sign); '–' for None."""
    if value is None:
        return "–"
    return f"{_fast_decimal(value, pattern) or format_decimal(value, format=pattern)}{NBSP}%"


#: One decimal place, for the quantisation in _fast_decimal.
_TENTH = Decimal("0.1")


@lru_cache(maxsize=8)
def _separators(locale: str) -> dict[int, str] | None:
    if locale not in LANGUAGES:
        return None
    return {ord(","): get_group_symbol(locale), ord("."): get_decimal_symbol(locale)}


def _fast_decimal(value: int | float | Decimal, pattern: str) -> str | None:
    """NUMBER and PERCENT formatted without babel's pattern engine, which parses the pattern on
    every call: a team page formats a few hundred numbers, and this path costs about half as
    much per call (4 µs against 9 µs measured; issue 19: pages cost what is on the screen). The
    rounding is babel's (half-even on the decimal value of the number's shortest repr) and so
    are the symbols; tests/main/test_numbers.py compares both paths over many values in both
    LANGUAGES. None (the caller uses babel) for other patterns and languages (their grouping
    rules are not checked here), negative or non-finite numbers, and without a locale."""
    if pattern not in (NUMBER, PERCENT) or isinstance(value, bool):
        return None
    locale = page_locale()
    separators = _separators(str(locale)) if locale is not None else None
    if separators is None:
        return None
    if isinstance(value, int):
        if value < 0:
            return None
        text = f"{value:,}" if pattern == NUMBER else f"{value:,}.0"
    else:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        number = value if isinstance(value, Decimal) else Decimal(repr(value))
        if not number.is_finite() or number.is_signed():
            return None
        number = number.quantize(_TENTH, rounding=ROUND_HALF_EVEN)
        if pattern == NUMBER and number == number.to_integral_value():
            text = f"{int(number):,}"
        else:
            text = f"{number:,.1f}"
    return text.translate(separators)


def fmt_share(part: int | float | None, whole: int | float | None, pattern: str = PERCENT) -> str:
    """`part` of `whole` as a percentage ('57,7 %'); '–' when there is nothing to divide."""
    if part is None or not whole:
        return "–"
    return fmt_percent(100 * part / whole, pattern)


def fmt_measure(value: int | float | None, unit: str | None = "") -> str:
    """A measured value with its unit ('57,7 %', '12 345'); per cents keep no decimal when whole
    ('90 %'); other units are named beside the number by the page. '–' for None."""
    if value is None:
        return "–"
    return fmt_percent(value, NUMBER) if unit == "%" else fmt_number(value)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel's ngettext, with `%(num)s` in the page's number format ("1 234 påminnelser")."""
    variables.setdefault("num", fmt_number(num))
    return page_translations().ungettext(singular, plural, num) % variables


def _formatted_ngettext(plain):
    """Jinja's ngettext with `%(num)s` in the page's number format ("1 234 personer")."""
    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", fmt_number(num))
        return plain(context, singular, plural, num, **variables)

    return ngettext


def init_app(app: Flask) -> None:
    # Flask-Babel's own callables (installed by babel.init_app, which runs first) look the
    # catalogue up through get_translations() on every `_()` in a template.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.filters["percent"] = fmt_percent
    app.jinja_env.filters["share"] = fmt_share
    app.jinja_env.filters["measure"] = fmt_measure
    # Flask-Babel installed ngettext (babel.init_app runs first); counts in it get the page's format too.
    app.jinja_env.globals["ngettext"] = _formatted_ngettext(app.jinja_env.globals["ngettext"])
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["iso"] = fmt_iso

    @app.before_request
    def wtforms_messages() -> None:
        request.wtforms_translations = _WTFORMS_MESSAGES  # type: ignore[attr-defined]  # read by flask_wtf.i18n

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(page_locale()), "languages": LANGUAGES}
