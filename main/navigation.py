"""Navigation per role, safe redirect targets and absolute links (for mails and the IdP)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app
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


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_nav():
        return {"nav_items": nav_items(), "role_label": role_label}
