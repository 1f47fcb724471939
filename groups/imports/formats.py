"""What kind of file an upload is, from its first bytes (its "magic"), so a
file that is not CSV text is named for what it is — "an Excel workbook", "a
PDF" — instead of failing later as "the first line is not a header row"."""

from __future__ import annotations

import zipfile

HEAD_BYTES = 8

SAVE_AS_CSV = "Open it, choose File → Save as (or Download) → “CSV UTF-8”, and upload that file."

# First bytes → what the file is. ZIP files (xlsx, ods, docx) are looked into below.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel (.xls) or Word (.doc) file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a Rich Text (.rtf) document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
XLSX = "xlsx"
ODS = "ods"


def zip_kind(stream) -> str:
    """'xlsx', 'ods', or what else a ZIP file holds (for the message); '' when
    it only starts like one."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return ""  # not really a ZIP file: the binary-data check names it
    finally:
        stream.seek(0)
    if "xl/workbook.xml" in names:
        return XLSX
    if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
        return ODS
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "a text document (.odt)"
    return "a ZIP archive"


def file_kind(stream) -> str:
    """'' for what may be text, XLSX or ODS for a spreadsheet Rollcall reads,
    else a phrase naming the file's kind."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(stream)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return ""


_NAMES = {XLSX: "an Excel workbook (.xlsx)", ODS: "an OpenDocument spreadsheet (.ods)"}


def not_csv_message(kind: str) -> str:
    return f"This file is {_NAMES.get(kind, kind)}, not a CSV file. {SAVE_AS_CSV}"
