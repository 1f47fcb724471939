"""One row of a membership list, cleaned: the person's details by
groups.cleaning.clean_person (with the import's stricter phone rule), the
membership's number, status and dates here, each problem added to the report
by line and column. Formula-looking cells (=, +, -, @) are kept as the plain
text they are; one leading apostrophe before such a cell is dropped, because
that is how Rollcall's own export (and spreadsheets) escape them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from .. import normalise
from ..cleaning import FULL_NAME, clean_person
from .mapping import FIELDS, MEMBERSHIP_FIELDS, PERSON_FIELDS, Plan
from .reading import rows
from .report import ImportReport

BATCH_SIZE = 1000  # rows cleaned, compared and written at a time
NUMBER_MAX = 40
_DATES = ("joined", "continuous_since", "dues_paid_until")
_FORMULA = ("=", "+", "-", "@")


def plain_text(value: str) -> str:
    """A cell as text: trimmed; "'=SUM(A1)" (an escaped formula) → "=SUM(A1)"."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in _FORMULA:
        return value[1:]
    return value


def _column(plan: Plan, field: str) -> tuple[int, str]:
    """(position, header) of the file's column a problem with `field` belongs
    to; a first or last name split from a full-name column belongs to that."""
    i = plan.index(field)
    if i is None and field in ("first_name", "last_name"):
        i = plan.index(FULL_NAME)
    return (i, plan.columns[i]) if i is not None else (len(plan.columns), FIELDS.get(field, field))


def clean_row(plan: Plan, cells: list[str], line: int, report: ImportReport, *, today: date) -> dict[str, Any] | None:
    """Normalise one row; add its errors to the report. None when the row is bad.
    Empty cells are left out: they never erase what Rollcall already holds."""
    person: dict[str, str] = {}
    values: dict[str, Any] = {}
    problems: list[tuple[tuple[int, str], str]] = []
    bad = False

    def fail(field: str, reason: str) -> None:
        # The report's reasons follow "line 4, Email:", so they read as a phrase.
        problems.append((_column(plan, field), reason.removesuffix(".")))

    for i, name in enumerate(plan.fields):
        raw = plain_text(cells[i]) if name and i < len(cells) else ""
        if not raw:
            continue
        if name in PERSON_FIELDS or name == FULL_NAME:
            person[name] = raw
            continue
        try:
            if name in _DATES:
                values[name] = normalise.parse_date(raw)
            elif name == "status":
                values[name] = plan.status_for(raw)
                if not values[name]:
                    bad = True  # counted once per value in report.unknown_statuses
            elif name == "membership_number" and len(raw) > NUMBER_MAX:
                raise ValueError(f"This is longer than {NUMBER_MAX} characters; shorten it")
            else:  # membership_number, category
                values[name] = raw
        except ValueError as exc:
            fail(name, str(exc))
    cleaned, errors = clean_person(person, today=today, strict_phone=True)
    for field, messages in errors.items():
        for message in messages:
            fail(field, message)
    values.update(cleaned)
    if "category" in values:
        slug = plan.category_for(values["category"])
        if not slug:
            bad = True  # counted once per value in report.unknown_categories
        values["category"] = slug
    elif any(k in values for k in MEMBERSHIP_FIELDS):
        fail("category", "membership details without a category: say which category this membership is")
    for (_, column), reason in sorted(problems, key=lambda p: p[0][0]):  # in the file's column order
        report.add_error(line, column, reason)
    return None if bad or problems else values


def cleaned_batches(
    plan: Plan, stream: IO[bytes], report: ImportReport, progress, phase: str, *, today: date
) -> Iterator[list[tuple[int, dict]]]:
    """The file's good rows, cleaned, BATCH_SIZE rows at a time, as (line,
    values); bad rows add their errors to the report. Counts report.rows."""
    batch: list[tuple[int, dict]] = []
    count = 0
    for line, cells in rows(stream, report.encoding, report.delimiter):
        count += 1
        values = clean_row(plan, cells, line, report, today=today)
        if values is not None:
            batch.append((line, values))
        if count % BATCH_SIZE == 0:
            yield batch
            batch = []
            if progress:
                progress(phase, count)
    yield batch
    report.rows = count
    if progress:
        progress(phase, count)
