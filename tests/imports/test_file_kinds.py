"""Reading an upload: the delimiter is decided on a bounded sample, whatever
the file holds (csv.Sniffer took 19 s on a crafted 48 KB file), and a file
that is not CSV text says what it is."""

import csv
import io
import zipfile

import pytest

from groups.imports import reading
from groups.services.imports import import_members

HEADER = "First name,Last name,Email\n"


def run(branch, organiser, data: bytes):
    return import_members(branch=branch, source=io.BytesIO(data), actor=organiser, dry_run=True)


def crafted() -> str:
    """Sniffer's quote-and-delimiter regex backtracks over every `,"` pair."""
    return HEADER + ',"' * 24_000 + "\n"


def test_the_delimiter_is_chosen_on_a_bounded_sample(monkeypatch):
    seen: list[list[str]] = []
    choose = reading.choose_delimiter
    monkeypatch.setattr(reading, "choose_delimiter", lambda lines: seen.append(lines) or choose(lines))
    monkeypatch.setattr(csv, "Sniffer", None)  # never the quadratic sniffer
    text = (HEADER + "Ana,Silva,ana@example.org\n" * 5000) + crafted()
    assert reading.detect_delimiter(text) == ","
    assert reading.detect_delimiter(crafted()) == ","
    for lines in seen:
        assert len(lines) <= reading.SNIFF_LINES
        assert sum(len(line) for line in lines) <= reading.SNIFF_BYTES


def test_a_crafted_file_is_read_and_answered(branch, organiser):
    report = run(branch, organiser, crafted().encode())
    assert report.delimiter == ","
    assert report.columns == ["First name", "Last name", "Email"]


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("Name;Address;Email\nAna Silva;1, High St;ana@example.org\n", ";"),
        ('Name,Address,Email\nAna Silva,"1; High St",ana@example.org\n', ","),
        ("Name,Email\n", ","),
        ("Name;Email\n", ";"),
        ("Name\nAna\n", ","),
    ],
)
def test_comma_or_semicolon(text, delimiter):
    assert reading.detect_delimiter(text) == delimiter


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old-style Excel (.xls)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "a PNG image"),
        (zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "a Word document"),
        (zipped({"notes.txt": b"hello"}), "a ZIP archive"),
    ],
)
def test_a_file_that_is_not_csv_says_what_it_is(branch, organiser, data, kind):
    report = run(branch, organiser, data)
    assert kind in report.file_error
    assert "not a CSV file" in report.file_error and "CSV UTF-8" in report.file_error
    assert "header row" not in report.file_error
