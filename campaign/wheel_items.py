"""The campaign package's own årshjul items: the October month and campaigns, the
quarterly KPI dates, the board reports (setting BOARD_REPORT_DATES), activities and plan
messages. Registered by campaign.init_app; other packages register theirs the same way."""
from __future__ import annotations

import logging
from datetime import date

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign import claims, labels, queries
from campaign.wheel import WheelItem, register_category, register_provider
from main.i18n import local_tz

log = logging.getLogger(__name__)


def board_report_dates(year: int, setting: str) -> list[date]:
    """BOARD_REPORT_DATES ("04-15,11-15", month-day) as dates in `year`; bad entries are logged and skipped."""
    found = []
    for raw in (setting or "").split(","):
        raw = raw.strip()
        if not raw:
            continue
        try:
            month, day = (int(x) for x in raw.split("-"))
            found.append(date(year, month, day))
        except ValueError:
            log.warning("BOARD_REPORT_DATES: ignoring %r (expected MM-DD)", raw)
    return sorted(found)


def quarter_ends(year: int) -> list[date]:
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def campaigns_provider(year: int, viewer) -> list[WheelItem]:
    items = [WheelItem(date(year, 10, 1), date(year, 10, 31), _("Informationssäkerhetsmånaden (oktober)"),
                       "campaign", detail=_("Europeiska cybersäkerhetsmånaden"))]
    for c in queries.campaigns_between(date(year, 1, 1), date(year, 12, 31)):
        items.append(WheelItem(c.starts_on, c.ends_on, c.title, "campaign",
                               url_for("campaign.campaign", campaign_id=c.id), _("Kampanj")))
    return items


def milestones_provider(year: int, viewer) -> list[WheelItem]:
    items = [WheelItem(day, None, _("Kvartalsmätning av nyckeltal, kvartal %(q)s", q=i + 1), "milestone",
                       detail=_("KPI")) for i, day in enumerate(quarter_ends(year))]
    items += [WheelItem(day, None, _("Rapport till styrelsen"), "milestone", detail=_("Styrelserapport"))
              for day in board_report_dates(year, current_app.config.get("BOARD_REPORT_DATES", ""))]
    return items


def _year_bounds(year: int):
    return queries.month_bounds_utc(date(year, 1, 1))[0], queries.month_bounds_utc(date(year + 1, 1, 1))[0]


def activities_provider(year: int, viewer) -> list[WheelItem]:
    tz = local_tz()
    start, end = _year_bounds(year)
    return [WheelItem(o.starts_at.astimezone(tz).date(), None, a.title, "activity",
                      url_for("campaign.edit_activity", activity_id=a.id), str(labels.ACTIVITY_KINDS.get(a.kind, a.kind)))
            for a, o in queries.occurrences_between(start, end) if a.status != "cancelled"]


def messages_provider(year: int, viewer) -> list[WheelItem]:
    tz = local_tz()
    start, end = _year_bounds(year)
    messages = queries.messages_between(start, end)
    links = claims.item_links(messages, viewer)  # e.g. a quiz item's pulse (pulse/planning.py)
    items = []
    for m in messages:
        url, link = claims.message_target(m, links)
        items.append(WheelItem(m.planned_at.astimezone(tz).date(), None,
                               f"{m.title} ({link.note})" if link else m.title, "message", url,
                               f"{m.channel}, {labels.MESSAGE_STATUSES.get(m.status, m.status)}"))
    return items


def register() -> None:
    register_category("campaign", _l("Temamånad och kampanjer"))
    register_category("activity", _l("Aktiviteter"))
    register_category("message", _l("Kommunikationsplanen"))
    register_category("milestone", _l("Nyckeltal och styrelserapporter"))
    register_provider("campaign.campaigns", campaigns_provider)
    register_provider("campaign.milestones", milestones_provider)
    register_provider("campaign.activities", activities_provider)
    register_provider("campaign.messages", messages_provider)
