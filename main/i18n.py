"""Language and time zone selection, and Swedish date/time formatting for templates.

Order for the language: the signed-in user's choice, then the anonymous visitor's
choice kept in the session, then the browser's Accept-Language, then Swedish.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

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


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def fmt_datetime(value: datetime | None, fmt: str = "short") -> str:
    """'28 nov. 2026 14:03' in Swedish, local time; empty for None."""
    if value is None:
        return ""
    if fmt == "short":
        pattern = "d MMM y HH:mm" if str(get_locale()) == "sv" else "d MMM y, HH:mm"
        return format_datetime(value, pattern)
    return format_datetime(value, fmt)


def fmt_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def fmt_iso(value: datetime | None) -> str:
    """Machine-readable value for <time datetime=…>."""
    return value.isoformat() if value else ""


def fmt_number(value: int | float | None) -> str:
    """'12 345' in Swedish (a non-breaking space between thousands), '12,345' in English."""
    return "" if value is None else format_decimal(value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["iso"] = fmt_iso

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale()), "languages": LANGUAGES}
