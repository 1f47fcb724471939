"""Excel (.xlsx, openpyxl) and OpenDocument (.ods, odfpy) workbooks, read as
the CSV text the rest of the import reads: the first sheet, one line per row,
dates as YYYY-MM-DD, whole numbers without ".0" (a membership number typed as
a number stays 100042). Written to a spooled temporary file, so a large sheet
is not held in memory twice; capped, because a small compressed workbook can
unpack to a very large sheet."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, datetime, time
from typing import IO

from .formats import ODS, XLSX
from .report import FileProblem

MAX_COLUMNS = 200  # a repeated empty cell at the end of an .ods row can claim 16,000 columns
MAX_ROWS = 1_000_000
SPOOL_BYTES = 8 * 1024 * 1024


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(stream: IO[bytes]):
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(
            f"Rollcall cannot read this Excel workbook ({type(exc).__name__}). Save it again, or save it as "
            "“CSV UTF-8” and upload that file."
        ) from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v) for v in row[:MAX_COLUMNS]]
    finally:
        book.close()


def _ods_number(text: str) -> str:
    try:
        return cell_text(float(text))
    except ValueError:
        return text


def _ods_rows(stream: IO[bytes]):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    try:
        document = load(stream)
    except Exception as exc:  # odfpy raises many kinds for a damaged file
        raise FileProblem(
            f"Rollcall cannot read this spreadsheet ({type(exc).__name__}). Save it again, or save it as "
            "“CSV UTF-8” and upload that file."
        ) from None
    tables = document.spreadsheet.getElementsByType(Table)
    if not tables:
        return
    for row in tables[0].getElementsByType(TableRow):
        cells: list[str] = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.getAttribute("valuetype")
            if kind == "date":
                value = (cell.getAttribute("datevalue") or "")[:10]
            elif kind in ("float", "percentage", "currency"):
                value = _ods_number(cell.getAttribute("value") or "")
            else:
                value = teletype.extractText(cell)
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            cells.extend([value] * min(repeat, MAX_COLUMNS - len(cells)))
            if len(cells) >= MAX_COLUMNS:
                break
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            yield []  # once, though often "repeated" a million times to the sheet's end
            continue
        for _ in range(min(int(row.getAttribute("numberrowsrepeated") or 1), MAX_ROWS)):
            yield cells


def first_row(stream: IO[bytes], kind: str) -> list[str]:
    """The first sheet's first non-empty row (the header), without reading the rest of an .xlsx."""
    rows = _xlsx_rows(stream) if kind == XLSX else _ods_rows(stream)
    for cells in rows:
        if any(c.strip() for c in cells):
            return [c.strip() for c in cells]
    return []


def as_csv(stream: IO[bytes], kind: str, *, max_bytes: int) -> IO[bytes]:
    """The workbook's first sheet as UTF-8 CSV, in a new seekable stream."""
    rows = _xlsx_rows(stream) if kind == XLSX else _ods_rows(stream) if kind == ODS else None
    if rows is None:
        raise ValueError(kind)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the import closes it)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    started = False
    for count, cells in enumerate(rows):
        if not started and not any(c.strip() for c in cells):
            continue  # empty rows above the header; after it, kept so line numbers are the sheet's rows
        started = True
        if count >= MAX_ROWS or out.tell() > max_bytes:
            text.detach()
            out.close()
            raise FileProblem(
                f"The sheet holds more than {max_bytes // 1048576} MB of data once unpacked. "
                "Split the list into smaller files and import them one after another."
            )
        writer.writerow(cells)
    text.flush()
    text.detach()
    out.seek(0)
    return out
