"""An incident's timeline report as a PDF document (fpdf2, pure Python): the same
content as the HTML report of :mod:`offramp.files.timeline_report`, in the same order.

The PDF uses the standard Helvetica font, whose characters are those of Windows-1252
(curly quotes, dashes and the euro sign included); a character outside it is written
as its nearest plain letter ("é" stays, "ł" becomes "l") or as "?" when it has none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from offramp.files.timeline_report import (
    FOLLOW_UP_COLUMNS,
    RIGHT,
    TIMELINE_COLUMNS,
    WRONG,
    incident_summary,
    printed_line,
    report_time,
    signed_off,
)
from offramp.model.crisis import Incident
from offramp.model.crisis.journal import Review, TimelineEntry

ENCODING = "windows-1252"
FONT = "helvetica"
# millimetres of an A4 page's 190 mm text width, per column
TIMELINE_WIDTHS = (34, 24, 30, 72, 30)
FOLLOW_UP_WIDTHS = (90, 50, 30, 20)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def printable(text: str) -> str:
    """``text`` in the font's characters (see the module docstring)."""
    out = []
    for ch in text:
        try:
            ch.encode(ENCODING)
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


class _Report(FPDF):
    def __init__(self, printed: datetime) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.printed = printed
        self.set_creation_date(printed)  # the desk's clock, not the machine's
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, printable(f"{printed_line(self.printed)} Page {self.page_no()}."))

    def heading(self, text: str, size: int) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str) -> None:
        self.set_font(FONT, size=10)
        self.multi_cell(0, 5, printable(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def rows(
        self, columns: Sequence[str], widths: Sequence[int], body: Sequence[Sequence[str]]
    ) -> None:
        self.set_font(FONT, size=8)
        with self.table(
            col_widths=tuple(widths), headings_style=HEADINGS, text_align="LEFT", line_height=4
        ) as table:
            for cells in (columns, *body):
                row = table.row()
                for cell in cells:
                    row.cell(printable(cell))
        self.ln(3)

    def bullets(self, items: Sequence[str]) -> None:
        self.set_font(FONT, size=10)
        for item in items:
            self.multi_cell(0, 5, printable(f"- {item}"), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)


def timeline_pdf(
    case: str,
    incident: Incident,
    entries: Sequence[TimelineEntry],
    review: Review | None,
    printed: datetime,
) -> bytes:
    """The report as PDF bytes: the incident, every timeline entry, and the review."""
    pdf = _Report(printed)
    pdf.set_title(printable(f"{incident.id}: timeline"))
    pdf.heading(incident.title, 16)
    pdf.paragraph(incident_summary(case, incident))
    pdf.paragraph(incident.claim)
    pdf.heading("Timeline", 13)
    pdf.rows(
        TIMELINE_COLUMNS,
        TIMELINE_WIDTHS,
        [(report_time(x.at), x.kind.value, x.who, x.text, x.ref) for x in entries],
    )
    if review is not None:
        pdf.heading("Review", 13)
        pdf.paragraph(review.what_happened)
        pdf.heading(RIGHT, 11)
        pdf.bullets(review.went_right)
        pdf.heading(WRONG, 11)
        pdf.bullets(review.went_wrong)
        pdf.heading("Follow-ups", 11)
        pdf.rows(
            FOLLOW_UP_COLUMNS,
            FOLLOW_UP_WIDTHS,
            [
                (f.what, f.owner, f.due.isoformat(), "yes" if f.done else "no")
                for f in review.follow_ups
            ],
        )
        pdf.paragraph(signed_off(review))
    return bytes(pdf.output())
