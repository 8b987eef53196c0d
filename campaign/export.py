"""The plan as an Excel file (openpyxl), safe to open: no cell can become a formula."""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _

from campaign import labels
from main.cells import safe_cell
from main.i18n import local_tz
from models import PlanMessage


def audience_text(message: PlanMessage) -> str:
    text = str(labels.AUDIENCES.get(message.audience, message.audience))
    if message.units and message.audience != "all":
        text += ": " + ", ".join(u.name for u in message.units)
    return text


def io_of(data: bytes) -> BytesIO:
    return BytesIO(data)


def plan_workbook(messages: list[PlanMessage]) -> bytes:
    from openpyxl import Workbook  # on first use, not at app start (docs/architecture.md, decision 13)
    from openpyxl.styles import Font

    tz = local_tz()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kommunikationsplan")[:31]
    headers = [_("Planerad tid"), _("Titel"), _("Kanal"), _("Målgrupp"), _("Status"), _("Ansvarig"),
               _("Kampanj"), _("Mottagare")]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for m in messages:
        row = [m.planned_at.astimezone(tz).replace(tzinfo=None), m.title, m.channel, audience_text(m),
               str(labels.MESSAGE_STATUSES.get(m.status, m.status)), m.owner.name if m.owner else "",
               m.campaign.title if m.campaign else "", m.recipient_count]
        ws.append([safe_cell(v) for v in row])
        ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd hh:mm"
        for cell in ws[ws.max_row][1:]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # belt and braces: stored as text even if it looks like a formula
    for column, width in zip("ABCDEFGH", (17, 50, 14, 40, 16, 26, 40, 11)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
