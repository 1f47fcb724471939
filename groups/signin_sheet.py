"""The printable sign-in sheet (fpdf2): names in alphabetical order with a box
to sign. Before the meeting it lists everyone expected; after it, who came."""

from __future__ import annotations

import unicodedata

from django.utils import timezone
from fpdf import FPDF

# Letters Unicode does not decompose into a base letter and an accent.
_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Œ": "OE", "œ": "oe"})


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1: keep those letters, strip accents
    from others ("Łukasz" → "Lukasz") rather than fail."""
    out = []
    for ch in text.translate(_NO_DECOMPOSITION):
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append("".join(c for c in base if not unicodedata.combining(c)) or "?")
    return "".join(out)


WALK_IN_ROWS = 10  # blank rows at the end of the "expected" sheet for people not on it


class _Sheet(FPDF):
    """Each page says which page it is ("Page 2 of 5"), so loose pages go back in order."""

    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 9)
        self.cell(0, 6, _latin1(f"{self.footer_text} - page {self.page_no()} of {{nb}}"), align="C")


def signin_sheet_pdf(*, branch, meeting, lines: list[tuple[str, str, str]], after: bool) -> bytes:
    """`lines`: (name, membership number, postcode) in the order printed."""
    pdf = _Sheet(orientation="P", unit="mm", format="A4")
    pdf.footer_text = meeting.title
    pdf.alias_nb_pages()
    pdf.set_title(_latin1(f"Sign-in sheet: {meeting.title}"))
    pdf.set_creator("Rollcall")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin1(meeting.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    when = timezone.localtime(meeting.starts_at).strftime("%a %d %b %Y, %H:%M")
    place = f" - {meeting.location}" if meeting.location else ""
    pdf.cell(0, 6, _latin1(f"{branch.name} - {when}{place}"), new_x="LMARGIN", new_y="NEXT")
    heading = "Who came" if after else "Everyone expected: please sign next to your name"
    pdf.cell(0, 6, _latin1(f"{heading} ({len(lines):,})"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (70, 32, 26)

    def header():
        pdf.set_font("Helvetica", "B", 10)
        for title, width in zip(("Name", "Membership no.", "Postcode"), widths, strict=True):
            pdf.cell(width, 8, title, border=1)
        pdf.cell(0, 8, "Signature", border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)

    def row(cells):
        if pdf.will_page_break(11):
            pdf.add_page()
            header()
        for text, width in zip(cells, widths, strict=True):
            pdf.cell(width, 11, _latin1(text)[: int(width * 0.55)], border=1)
        pdf.cell(0, 11, "", border=1, new_x="LMARGIN", new_y="NEXT")

    header()
    for name, number, postcode in lines:
        row((name, number, postcode))
    if not lines:
        pdf.cell(0, 10, "Nobody yet.", new_x="LMARGIN", new_y="NEXT")
    if not after:
        # Walk-ins write themselves in; the door adds them afterwards.
        if pdf.will_page_break(8 + 11 * 3):
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 8, "Not on the list? Write your name here", new_x="LMARGIN", new_y="NEXT")
        header()
        for _ in range(WALK_IN_ROWS):
            row(("", "", ""))
    return bytes(pdf.output())
