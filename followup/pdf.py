"""Drawing document blocks as a PDF with fpdf2. A Unicode TTF (DejaVu Sans) is embedded when
one is found; otherwise the core Helvetica font is used, which covers Swedish (Latin-1) and
gets other characters replaced, so the PDF never fails for want of a font."""
from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every glyph at INFO

SIZES = {"h1": 18, "h2": 14, "h3": 12}
LATIN1_SUBSTITUTES = {"–": "-", "—": "-", "”": '"', "“": '"', "’": "'", "…": "...", "•": "-"}


def _latin1(text: str) -> str:
    for char, plain in LATIN1_SUBSTITUTES.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    def __init__(self, font: Path | None):
        super().__init__(format="A4")
        self.unicode = font is not None
        if font is not None:
            self.add_font("Body", "", str(font))
            bold = font.with_name(font.stem + "-Bold" + font.suffix)
            self.add_font("Body", "B", str(bold if bold.is_file() else font))
            self.body_font = "Body"
        else:
            self.body_font = "Helvetica"
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)

    def text_of(self, text: str) -> str:
        return text if self.unicode else _latin1(text)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.body_font, "", 8)
        self.cell(0, 10, f"{self.page_no()}", align="C")


def render(blocks, title: str, font: Path | None) -> bytes:
    pdf = _Pdf(font)
    pdf.set_title(pdf.text_of(title))
    pdf.set_lang("sv")
    pdf.add_page()
    width = pdf.epw
    for b in blocks:
        if b.kind in SIZES:
            pdf.ln(3)
            pdf.set_font(pdf.body_font, "B", SIZES[b.kind])
            pdf.multi_cell(width, SIZES[b.kind] * 0.5, pdf.text_of(b.text), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif b.kind == "p":
            pdf.set_font(pdf.body_font, "", 10)
            pdf.multi_cell(width, 5, pdf.text_of(b.text), align="L", new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "list":
            pdf.set_font(pdf.body_font, "", 10)
            for item in b.items:
                pdf.multi_cell(width, 5, pdf.text_of(("• " if pdf.unicode else "- ") + item),
                               align="L", new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "table":
            pdf.set_font(pdf.body_font, "", 9)
            first = 0.4 if len(b.headers) > 2 else 0.6
            rest = (1 - first) / max(1, len(b.headers) - 1)
            widths = tuple([first] + [rest] * (len(b.headers) - 1))
            with pdf.table(col_widths=widths, text_align=["LEFT"] + ["RIGHT"] * (len(b.headers) - 1),
                           headings_style=FontFace(emphasis="BOLD")) as table:
                for row in [b.headers] + b.rows:
                    cells = table.row()
                    for text in row:
                        cells.cell(pdf.text_of(text))
    return bytes(pdf.output())
