"""The follow-up report as a document: one list of blocks (headings, paragraphs, lists, a
table) in Swedish, drawn as DOCX (python-docx) or PDF (fpdf2). Both come from `blocks()`, so
the two files always say the same thing."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from config import BASE_DIR
from followup.awareness import Awareness
from followup.report import ActionLine, FollowupReport
from main.i18n import fmt_measure, fmt_number

#: Where a Unicode TTF is looked for (first found wins); without one the PDF uses a core font (Latin-1).
FONT_CANDIDATES = [
    BASE_DIR / "static" / "fonts" / "DejaVuSans.ttf",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
]


@dataclass
class Block:
    #: "h1", "h2", "h3", "p", "list" or "table".
    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def long_date(day: date | None) -> str:
    return format_date(day, "d MMMM y") if day else "–"


def _action_text(a: ActionLine, done: bool) -> str:
    parts = [a.title]
    if a.description:
        parts.append(a.description)
    if done and a.done_on:
        parts.append(_("Genomförd %(day)s.", day=long_date(a.done_on)))
    if a.owner:
        parts.append(_("Ansvarig: %(name)s.", name=a.owner))
    if a.evidence:
        parts.append(_("Underlag: %(list)s.", list="; ".join(a.evidence)))
    return " – ".join(parts[:2]) + (" " + " ".join(parts[2:]) if len(parts) > 2 else "")


def awareness_blocks(found: Awareness) -> list[Block]:
    """The pulse and APT figures as evidence (call inside force_locale)."""
    out = [Block("h3", _("Underlag: kännedomsmätning och APT-kvittens"))]
    if found.pulse is not None:
        p = found.pulse
        out.append(Block("p", _("Kännedomsmätningen ”%(title)s” (stängde %(day)s): %(answers)s svar av %(asked)s "
                                "tillfrågade, %(share)s rätt svar i hela regionen.", title=p.title,
                                day=long_date(p.closes_on), answers=fmt_number(p.answers), asked=fmt_number(p.asked),
                                share=fmt_measure(p.share_right, "%"))))
        out.append(Block("table", headers=[_("Fråga"), _("Andel rätt / medel (1–5)")], rows=[
            [f"{q.position}. {q.text}", fmt_measure(q.value, "%" if q.kind == "choice" else "")]
            for q in p.questions]))
    if found.apt is not None:
        a = found.apt
        out.append(Block("p", _("APT-materialet ”%(title)s” (senast %(day)s): %(done)s av %(total)s enheter "
                                "(%(share)s) har kvitterat att det tagits upp på APT.", title=a.title,
                                day=long_date(a.deadline), done=fmt_number(a.confirmed), total=fmt_number(a.expected),
                                share=fmt_measure(a.percent, "%"))))
        out.append(Block("table", headers=[_("Förvaltning"), _("Kvitterade enheter"), _("Andel")], rows=[
            [g.name or _("Utan förvaltning"), f"{fmt_number(g.confirmed)} / {fmt_number(g.expected)}", fmt_measure(g.percent, "%")]
            for g in a.groups]))
    return out


def blocks(report: FollowupReport) -> list[Block]:
    """The whole report, in Swedish, as blocks."""
    with force_locale("sv"):
        out = [Block("h1", _("Uppföljning: %(title)s", title=report.title)),
               Block("p", _("Läget per %(day)s.", day=long_date(report.as_of)))]
        if report.auditor or report.issued_on:
            out.append(Block("p", _("Granskning av %(who)s, daterad %(day)s.", who=report.auditor or "–",
                                    day=long_date(report.issued_on))))
        for s in report.sections:
            out.append(Block("h2", _("Rekommendation %(n)s", n=s.number)))
            out.append(Block("p", s.text))
            out.append(Block("h3", _("Hittills vidtagna åtgärder")))
            out.append(Block("list", items=[_action_text(a, True) for a in s.taken] or [_("Inga ännu.")]))
            out.append(Block("h3", _("Planerade åtgärder")))
            out.append(Block("list", items=[_action_text(a, False) for a in s.planned] or [_("Inga.")]))
            out.append(Block("h3", _("Tidplan")))
            out.append(Block("list", items=[
                f"{long_date(a.due_on) if a.due_on else _('Inget datum')}: {a.title} ({a.status_label})"
                for a in s.timeline] or [_("Inga planerade åtgärder.")]))
            out.append(Block("h3", _("Övriga synpunkter")))
            out.append(Block("list", items=s.remarks or [_("Inga.")]))
            if s.awareness is not None:
                out.extend(awareness_blocks(s.awareness))
        out.append(Block("h2", _("Nyckeltal")))
        headers = [_("Nyckeltal")] + report.quarter_labels + [_("Mål")]
        rows = [[k.name] + [fmt_measure(v, k.unit) for v in k.values] + [fmt_measure(k.target, k.unit)]
                for k in report.kpis]
        out.append(Block("table", headers=headers, rows=rows) if report.quarters
                   else Block("p", _("Inga nyckeltal är registrerade för kvartal som slutat senast detta datum.")))
        return out


def blocks_to_docx(items: list[Block], title: str) -> bytes:
    """A DOCX of headings, paragraphs, lists and tables (the same blocks the PDF and the page use)."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = "sv-SE"
    levels = {"h1": 0, "h2": 1, "h3": 2}
    for b in items:
        if b.kind in levels:
            doc.add_heading(b.text, level=levels[b.kind])
        elif b.kind == "p":
            doc.add_paragraph(b.text)
        elif b.kind == "list":
            for item in b.items:
                doc.add_paragraph(item, style="List Bullet")
        elif b.kind == "table":
            table = doc.add_table(rows=1, cols=len(b.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.headers, strict=False):
                cell.text = text
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row, strict=False):
                    cell.text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_docx(report: FollowupReport) -> bytes:
    return blocks_to_docx(blocks(report), report.title)


def pdf_font() -> Path | None:
    """The TTF used for the PDF: FOLLOWUP_PDF_FONT, else the first of FONT_CANDIDATES found."""
    configured = current_app.config.get("FOLLOWUP_PDF_FONT")
    for path in ([Path(configured)] if configured else []) + FONT_CANDIDATES:
        if path.is_file():
            return path
    return None


def to_pdf(report: FollowupReport, font: Path | None = None) -> bytes:
    from followup.pdf import render

    return render(blocks(report), report.title, font if font is not None else pdf_font())
