"""A count's result as a PDF (fpdf2, like the sign-in sheet): the summary,
the stage-by-stage table (the same layout as the page, counting/table.py)
in blocks of stages that fit across an A4 page, what happened at each stage,
the draws by lot, the seed and the SHA-256 of the ballots, so that a printed
copy can be checked against a recount anywhere."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..counting.table import MARK_WORDS, method_name, stage_table
from ..signin_sheet import _latin1
from ..signin_sheet import _Sheet as _CountSheet  # the same page footer ("… - page 2 of 5")

NAME_WIDTH = 48  # mm
STAGE_WIDTH = 28
STAGES_PER_BLOCK = 8  # 48 + 8 × 28 = 272 mm of the 277 inside a landscape A4's margins

# Signs the built-in fonts lack, in words or their Latin-1 neighbours (before _latin1 strips the rest).
_PLAIN = str.maketrans(
    {
        "⌊": "floor(",
        "⌋": ")",
        "–": "-",
        "—": "-",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "…": "...",
        "✓": "",
        "✕": "",
        "≥": ">=",
        "≤": "<=",
    }
)


def _text(value) -> str:
    return _latin1(str(value if value is not None else "").translate(_PLAIN)).strip()


def count_pdf(result: dict, *, branch_name: str = "") -> bytes:
    """`result`: CountResult.as_dict() (or the API's JSON of it)."""
    table = stage_table(result)
    title = result.get("title") or "Count"
    pdf = _CountSheet(orientation="L", unit="mm", format="A4")
    pdf.footer_text = f"{title}: the count"
    pdf.alias_nb_pages()
    pdf.set_title(_text(f"{title}: the count"))
    pdf.set_creator("Rollcall")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()

    def line(text: str, *, size: float = 10, style: str = "", height: float = 5.5):
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, height, _text(text), new_x="LMARGIN", new_y="NEXT")

    line(f"{title}: the count", size=16, style="B", height=8)
    if branch_name:
        line(branch_name, size=11)
    line(f"Method: {method_name(result.get('method', ''))}. Seats: {result.get('seats')}.")
    ballots = f"Valid ballot papers: {result.get('valid_ballots', 0):,}"
    if result.get("invalid_ballots"):
        ballots += f"; invalid: {result['invalid_ballots']:,}"
    if result.get("quota"):
        ballots += f". Quota: {result['quota']}"
    line(ballots + ".")
    elected = result.get("elected") or []
    line(
        "Elected, in order: " + "; ".join(f"{i}. {name}" for i, name in enumerate(elected, start=1))
        if elected
        else "Nobody was elected.",
        style="B",
    )
    if result.get("vacant_seats"):
        line(f"{result['vacant_seats']} seat(s) left vacant: a constraint could not be met.")
    for c in result.get("constraints") or []:
        bound = f"at least {c['min']}" if c.get("min") else ""
        if c.get("max") is not None:
            bound = f"{bound} and at most {c['max']}" if bound else f"at most {c['max']}"
        line(f"Constraint: {bound} of {', '.join(c.get('candidates', []))}.")
    pdf.ln(2)

    for start in range(0, max(len(table.stages), 1), STAGES_PER_BLOCK):
        _stage_block(pdf, table, start, start + STAGES_PER_BLOCK)

    pdf.ln(2)
    line("What happened at each stage", size=12, style="B", height=7)
    for stage in table.stages:
        line(f"Stage {stage['number']}: {stage['heading']}. {stage['description']}", size=9, height=4.8)
        pdf.ln(0.8)
    if result.get("draws"):
        line("Ties decided by lot", size=12, style="B", height=7)
        for d in result["draws"]:
            line(
                f"Draw {d['draw']} ({d['purpose']}): among {', '.join(d['among'])}, {d['chosen']} was chosen.",
                size=9,
            )
    for note in result.get("notes") or []:
        line(note, size=9)
    pdf.ln(2)
    line("Check it yourself", size=12, style="B", height=7)
    if result.get("rules"):
        line(f"Rules: {result['rules']}", size=9, height=4.8)
    if result.get("seed"):
        line(f"Seed for any tie left to lot: {result['seed']}", size=9)
    if result.get("ballots_sha256"):
        line(f"SHA-256 of the ballots (in BLT): {result['ballots_sha256']}", size=9)
    return bytes(pdf.output())


def _stage_block(pdf: FPDF, table, start: int, stop: int) -> None:
    stages = table.stages[start:stop]
    widths = (NAME_WIDTH,) + (STAGE_WIDTH,) * len(stages)
    pdf.set_font("Helvetica", "", 8.5)
    heading = FontFace(emphasis="BOLD", fill_color=(236, 236, 243))
    with pdf.table(
        width=sum(widths),
        col_widths=widths,
        align="LEFT",
        text_align=("LEFT",) + ("RIGHT",) * len(stages),
        line_height=4.4,
        headings_style=heading,
        repeat_headings=1,
    ) as grid:
        row = grid.row()
        row.cell("Candidate")
        for stage in stages:
            row.cell(_text(f"Stage {stage['number']}\n{stage['heading']}"))
        for candidate in table.candidates:
            row = grid.row()
            row.cell(_text(candidate.name))
            for cell in candidate.cells[start:stop]:
                mark = MARK_WORDS.get(cell.mark, "")
                row.cell(_text(f"{cell.total}\n{mark}" if mark else cell.total))
        extra = [("Non-transferable", table.non_transferable)]
        if table.lost_to_rounding:
            extra.append(("Lost to rounding", table.lost_to_rounding))
        if table.quotas:
            extra.append(("Quota", table.quotas))
        for label, values in extra:
            row = grid.row()
            row.cell(label)
            for value in values[start:stop]:
                row.cell(_text(value) or "-")
    pdf.ln(3)
