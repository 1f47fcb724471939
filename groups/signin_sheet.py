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


def signin_sheet_pdf(*, branch, meeting, lines: list[tuple[str, str]], after: bool) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_latin1(f"Sign-in sheet: {meeting.title}"))
    pdf.set_creator("Rollcall")
    pdf.set_auto_page_break(auto=True, margin=15)
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

    def header():
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(80, 8, "Name", border=1)
        pdf.cell(30, 8, "Postcode", border=1)
        pdf.cell(0, 8, "Signature", border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)

    header()
    for name, postcode in lines:
        if pdf.will_page_break(11):
            pdf.add_page()
            header()
        pdf.cell(80, 11, _latin1(name)[:45], border=1)
        pdf.cell(30, 11, _latin1(postcode), border=1)
        pdf.cell(0, 11, "", border=1, new_x="LMARGIN", new_y="NEXT")
    if not lines:
        pdf.cell(0, 10, "Nobody yet.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
