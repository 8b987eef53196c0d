"""The follow-up's årshjul items (campaign.wheel registry): actions' due dates, the audit
report and answer dates, the quarterly KPI dates and the yearly board reports. Only admins
(the security unit) see them, as everything else of the follow-up."""
from __future__ import annotations

import calendar
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from campaign.wheel import WheelItem, register_category, register_provider
from extensions import db
from followup import labels
from followup.quarters import ends_between
from followup.quarters import label as quarter_label
from main.i18n import fmt_number
from models import Action, AuditReport, Board, Kpi, KpiValue


def _admin(viewer) -> bool:
    return bool(viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.has_role("admin"))


def actions(year: int) -> list[WheelItem]:
    rows = db.session.scalars(select(Action).where(Action.due_on >= date(year, 1, 1),
                                                   Action.due_on <= date(year, 12, 31)))
    return [WheelItem(a.due_on, None, _("Åtgärd: %(title)s", title=a.title), "followup",
                      url_for("followup.action", action_id=a.id), str(labels.ACTION_STATUSES[a.status]))
            for a in rows if a.due_on is not None]


def report_dates(year: int) -> list[WheelItem]:
    items = []
    for r in db.session.scalars(select(AuditReport)):
        url = url_for("followup.report", report_id=r.id)
        if r.issued_on and r.issued_on.year == year:
            items.append(WheelItem(r.issued_on, None, _("Granskningsrapport: %(title)s", title=r.title), "followup",
                                   url, _("Rapport")))
        if r.answer_due_on and r.answer_due_on.year == year:
            items.append(WheelItem(r.answer_due_on, None, _("Svar till revisorerna: %(title)s", title=r.title),
                                   "followup", url, _("Uppföljningsrapport")))
    for b in db.session.scalars(select(Board).where(Board.report_month.is_not(None))):
        month = b.report_month or 1  # never None here (filtered above)
        last = calendar.monthrange(year, month)[1]
        items.append(WheelItem(date(year, month, 1), date(year, month, last),
                               _("Årsrapport till %(board)s", board=b.name), "followup",
                               url_for("followup.board_report", board_id=b.id, year=year), _("Nämndrapport")))
    return items


def kpi_dates(year: int) -> list[WheelItem]:
    total = db.session.scalar(select(func.count()).select_from(Kpi)) or 0
    if not total:
        return []
    counts: dict[date, int] = {end: n for end, n in db.session.execute(
        select(KpiValue.period_end, func.count()).where(
            KpiValue.period_end >= date(year, 1, 1), KpiValue.period_end <= date(year, 12, 31))
        .group_by(KpiValue.period_end))}
    return [WheelItem(end, None, _("Nyckeltal för uppföljningen, %(q)s", q=quarter_label(end)), "followup",
                      url_for("followup.kpis_page"),
                      _("%(n)s av %(total)s registrerade", n=fmt_number(counts.get(end, 0)), total=fmt_number(total)))
            for end in ends_between(date(year, 1, 1), date(year, 12, 31))]


def provider(year: int, viewer) -> list[WheelItem]:
    if not _admin(viewer):
        return []
    return actions(year) + report_dates(year) + kpi_dates(year)


def register() -> None:
    register_category("followup", _l("Uppföljning av granskningen"))
    register_provider("followup.items", provider)
