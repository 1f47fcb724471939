"""Reading a membership list as a stream: the encoding (UTF-8 with or without
BOM, else Windows-1252), the delimiter (comma or semicolon), the header row
and the data rows — never the whole file in memory."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from typing import IO

from . import spreadsheets
from .formats import ODS, XLSX, file_kind, not_csv_message
from .report import FileProblem

CHUNK = 1 << 20
SAMPLE = 64 * 1024  # read for the header row
# The delimiter is decided on at most this much of the file: csv.Sniffer's
# regular expressions are quadratic on crafted input (48 KB held a worker 19 s),
# so a few lines of the file, split both ways and compared, decide instead.
SNIFF_BYTES = 16 * 1024
SNIFF_LINES = 20
DELIMITERS = (",", ";")


def open_source(source) -> IO[bytes]:
    """A seekable binary stream for a path, an open file or a Django upload."""
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")  # noqa: SIM115 (closed by the caller)
    inner = getattr(source, "file", source)  # Django's UploadedFile wraps the real file
    inner.seek(0)
    return inner


def detect_encoding(stream: IO[bytes]) -> str:
    """'utf-8-sig', 'utf-8' or 'cp1252', reading the whole file in chunks."""
    kind = file_kind(stream)
    if kind:
        raise FileProblem(not_csv_message(kind))
    stream.seek(0)
    head = stream.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise FileProblem(
            "The file is saved as UTF-16, which Rollcall cannot read. Save it as “CSV UTF-8” and upload it again."
        )
    if not head.strip():
        raise FileProblem("The file is empty. Export the membership list as CSV and upload that file.")
    candidates = ["utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", "cp1252"]
    for encoding in candidates:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            while chunk := stream.read(CHUNK):
                if b"\x00" in chunk:
                    raise FileProblem(
                        "This is not a CSV file: it contains binary data. Export the list from your spreadsheet "
                        "or the party's system as “CSV” and upload that file."
                    )
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    stream.seek(0)
    hint = ""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(stream.read(CHUNK)).best()
        if best is not None and best.encoding not in ("utf_8", "cp1252"):
            hint = f" It looks like {best.encoding.replace('_', '-').upper()}."
    except Exception:  # noqa: S110 (only a hint for the message)
        pass
    raise FileProblem(
        "Rollcall cannot read the file's text encoding." + hint + " Save it as “CSV UTF-8” (or Windows CSV) and "
        "upload it again."
    )


def _text(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def _release(text: io.TextIOWrapper) -> None:
    text.detach()  # keep the underlying stream open for the next pass


def sniff_sample(text: str) -> list[str]:
    """The lines the delimiter is decided on: at most SNIFF_LINES lines of the
    first SNIFF_BYTES characters (a line cut by that limit is left out)."""
    head = text[: SNIFF_BYTES + 1]
    lines = head.splitlines()
    if len(head) > SNIFF_BYTES and len(lines) > 1:
        lines.pop()
    return [line[:SNIFF_BYTES] for line in lines[:SNIFF_LINES]]


def detect_delimiter(sample: str) -> str:
    """Comma or semicolon: the one that splits the header row into more than
    one column and the most following lines into as many; comma on a tie.
    Linear in the (bounded) sample, whatever its content."""
    return choose_delimiter(sniff_sample(sample))


def choose_delimiter(lines: list[str]) -> str:
    best, best_score = ",", None
    for delimiter in DELIMITERS:
        try:
            widths = [len(cells) for cells in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        header = widths[0] if widths else 0
        score = (header > 1, sum(1 for w in widths[1:] if w == header), header)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def rows(stream: IO[bytes], encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each data row, streaming. Line numbers are the
    file's own (the header is line 1), so a spreadsheet shows the same row."""
    text = _text(stream, encoding)
    try:
        reader = csv.reader(text, delimiter=delimiter)
        next(reader, None)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            yield reader.line_num, cells
    finally:
        _release(text)


def read_header(stream: IO[bytes]) -> tuple[str, str, list[str]]:
    """(encoding, delimiter, the header row's column names)."""
    encoding = detect_encoding(stream)
    text = _text(stream, encoding)
    try:
        sample = text.read(SAMPLE)
    finally:
        _release(text)
    delimiter = detect_delimiter(sample)
    try:
        header = next(csv.reader(io.StringIO(sample), delimiter=delimiter), [])
    except csv.Error as exc:
        raise FileProblem(f"This is not a CSV file Rollcall can read ({exc}).") from None
    return encoding, delimiter, [h.strip().lstrip("\ufeff") for h in header]


def read_columns(source) -> list[str]:
    """The file's header row (for a mapping form); [] when it cannot be read."""
    stream = open_source(source)
    try:
        kind = file_kind(stream)
        if kind in (XLSX, ODS):
            return spreadsheets.first_row(stream, kind)
        return read_header(stream)[2]
    except FileProblem:
        return []
    finally:
        if isinstance(source, (str, os.PathLike)):
            stream.close()
