"""Delimiter sniffing on a crafted file (run by hand, not by pytest).

    .venv/bin/python bench/import_sniff.py

csv.Sniffer's quote-and-delimiter regular expression backtracks over every
`,"` pair: a crafted 48 KB file held a worker for 19 s. The import now
decides on at most SNIFF_LINES lines / SNIFF_BYTES characters
(groups/imports/reading.py). Prints both timings; the Sniffer is given at
most 8 KB here, or the script would take minutes."""

from __future__ import annotations

import contextlib
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groups.imports import reading  # noqa: E402

HEADER = "First name,Last name,Email\n"


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    for size in (2_000, 4_000, 8_000, 48_000):
        crafted = HEADER + ',"' * (size // 2) + "\n"
        ours = timed(reading.detect_delimiter, crafted)
        if size <= 8_000:

            def sniff(text=crafted):
                with contextlib.suppress(csv.Error):
                    csv.Sniffer().sniff(text, delimiters=",;")

            theirs = f"{timed(sniff):,.0f} ms"
        else:
            theirs = "(not run: minutes)"
        print(f"| {size / 1000:.0f} KB crafted | csv.Sniffer {theirs} | detect_delimiter {ours:.2f} ms |")


if __name__ == "__main__":
    main()
