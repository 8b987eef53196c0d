"""Navigation per role, safe redirect targets and absolute links (for mails and the IdP)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...]


#: Every feature adds its pages here; an item shows when the user has one of its roles.
NAV: list[NavItem] = [
    NavItem("main.index", _l("Översikt"), ("employee",)),
    NavItem("training.mine", _l("Min utbildning"), ("employee",)),
    NavItem("training.team", _l("Mitt team"), ("manager",)),
    NavItem("training_reports.region", _l("Utbildning i regionen"), ("admin",)),
    NavItem("training_admin.overview", _l("Utbildningsadministration"), ("admin",)),
    NavItem("campaign.plan", _l("Kommunikationsplan"), ("comms", "admin")),
    NavItem("campaign.campaigns", _l("Kampanjer"), ("comms", "admin")),
    NavItem("campaign.wheel_page", _l("Årshjul"), ("comms", "admin")),
    NavItem("campaign.my_activities", _l("Aktiviteter"), ("employee",)),
    NavItem("followup.overview", _l("Uppföljning av granskning"), ("admin",)),
    NavItem("pulse.pulses", _l("Kännedomsmätningar"), ("admin",)),
    NavItem("apt.overview", _l("APT-täckning"), ("admin",)),
    NavItem("apt.mine", _l("APT-kvittens"), ("manager",)),
    NavItem("invites.feeds_page", _l("Kalenderflöden"), ("employee",)),
    NavItem("auth.admin_people", _l("Användare och roller"), ("admin",)),
    NavItem("directory_admin.runs", _l("Katalogen"), ("admin",)),
    NavItem("audit.log", _l("Granskningslogg"), ("admin",)),
    NavItem("jobs.overview", _l("Schemalagda jobb"), ("admin",)),
    NavItem("outbox.overview", _l("Utskick"), ("admin",)),
    NavItem("privacy.retention", _l("Gallring och dataskydd"), ("admin",)),
    NavItem("privacy.mine", _l("Mina personuppgifter"), ("employee",)),
]


ROLE_LABELS = {
    "admin": _l("Administratör (säkerhetsenheten)"),
    "comms": _l("Kommunikatör"),
    "manager": _l("Chef"),
    "employee": _l("Medarbetare"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    roles = current_user.roles
    return [item for item in NAV if roles.intersection(item.roles)]


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login or a language change."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def absolute_url(path: str) -> str:
    """`path` ("/plan/12") under BASE_URL, for links that leave the browser: mails, calendar
    files, the identity provider's redirect targets."""
    return current_app.config["BASE_URL"].rstrip("/") + path


class UrlPattern:
    """`url_for(endpoint, **params, <key>=value)` for many values at the cost of one url_for: a
    list of 50 units each linking to the same page with its own `?unit=` (issue 19: the team
    page built 50 URLs through the router). The URL is built once with a marker as `key`'s
    value and the marker replaced per value, encoded as Werkzeug encodes a query string. For
    query arguments only (a marker in the path would not pass the rule's converter);
    tests/main/test_url_pattern.py holds the results equal to url_for's, odd values included."""

    _MARK = "VAKSAMURLPATTERNMARK"
    #: What Werkzeug leaves unescaped in a query value (werkzeug.urls._urlencode).
    _SAFE = "!$'()*,/:;?@"

    def __init__(self, endpoint: str, params: dict, key: str) -> None:
        self._endpoint, self._params, self._key = endpoint, params, key
        try:
            text = url_for(endpoint, **{**params, key: self._MARK})
        except ValueError:  # a path converter refused the marker
            text = ""
        pair = self._pair(self._MARK)
        for sep in "?&":  # the argument itself, not a longer name ending in it
            if sep + pair in text:
                head, self._tail = text.split(sep + pair, 1)
                self._head = head + sep
                break
        else:
            raise ValueError(f"{key!r} is not a query argument of {endpoint}")

    def _pair(self, value: object) -> str:
        return urlencode([(self._key, str(value))], safe=self._SAFE)

    def __call__(self, value: object) -> str:
        if value is None:  # url_for leaves the argument out
            return url_for(self._endpoint, **{**self._params, self._key: None})
        return f"{self._head}{self._pair(value)}{self._tail}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_pattern"] = UrlPattern

    @app.context_processor
    def inject_nav():
        return {"nav_items": nav_items(), "role_label": role_label}
