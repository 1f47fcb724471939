"""Minutes as a PDF (fpdf2, as the sign-in sheet): the Markdown rendered to the
same sanitised HTML the page shows, then laid out by fpdf2's HTML writer in
its built-in fonts (Latin-1; other letters lose their accents, typographic
quotes and dashes become plain ones)."""

from __future__ import annotations

from fpdf.errors import FPDFException

from ..signin_sheet import _latin1, _Sheet
from ..templatetags.meetings_tags import render_minutes

# Characters the built-in fonts lack, with the plain ones that read the same.
_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "·": "-", "▶": ">"})


def minutes_pdf(*, meeting, text: str, status_line: str) -> bytes:
    """`text`: the minutes' Markdown; `status_line`: "Draft" or "Approved at …"."""
    pdf = _Sheet(orientation="P", unit="mm", format="A4")
    pdf.footer_text = _latin1(f"Minutes: {meeting.title} ({status_line})".translate(_PLAIN))
    pdf.alias_nb_pages()
    pdf.set_title(_latin1(f"Minutes: {meeting.title}".translate(_PLAIN)))
    pdf.set_creator("Rollcall")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "I", 10)
    pdf.cell(0, 6, _latin1(status_line.translate(_PLAIN)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    # render_minutes shifts headings down one level for the page; here h2 is the title.
    html = render_minutes(text.translate(_PLAIN))
    try:
        pdf.write_html(_latin1(html))
    except (FPDFException, ValueError):
        # Markup the HTML writer cannot lay out must not cost the secretary the
        # download: the Markdown source, as written, instead.
        pdf.add_page()
        pdf.multi_cell(0, 5, _latin1(text.translate(_PLAIN)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
