"""One row of a membership list, cleaned: each cell trimmed and normalised
(dates, phone numbers, postcodes, statuses), each problem added to the report
by line and column. Formula-looking cells (=, +, -, @) are kept as the plain
text they are; one leading apostrophe before such a cell is dropped, because
that is how Rollcall's own export (and spreadsheets) escape them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from .. import normalise
from ..models import MembershipStatus
from .mapping import FIELDS, MEMBERSHIP_FIELDS, Plan
from .reading import rows
from .report import ImportReport

BATCH_SIZE = 1000  # rows cleaned, compared and written at a time
_LIMITS = {"first_name": 100, "last_name": 100, "ward": 100, "email": 254, "membership_number": 40, "notes": 5000}
_STATUSES = {s.value for s in MembershipStatus}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_UK_PHONE = re.compile(r"^0([1-9]\d{9})$")
_FORMULA = ("=", "+", "-", "@")


def parse_date(value: str) -> date:
    value = value.strip()
    if m := _ISO.match(value):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _UK.match(value):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError(f"“{value}” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD")
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"“{value}” is not a real date") from None


def _phone(value: str) -> str:
    # Most UK numbers are written 07700 900154: skip the full parser for those.
    digits = value.replace(" ", "")
    if m := _UK_PHONE.match(digits):
        return "+44" + m[1]
    e164 = normalise.phone(value)
    # normalise.phone accepts numbers that are only "possible locally" (12345) or
    # keep a stray national 0 (07700 9001 → +44077009001): refuse those here.
    number = phonenumbers.parse(e164)
    if (
        phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE
        or number.italian_leading_zero
        and number.country_code == 44
    ):
        raise ValueError(f"“{value}” is not a full phone number (check the number of digits)")
    return e164


def plain_text(value: str) -> str:
    """A cell as text: trimmed; "'=SUM(A1)" (an escaped formula) → "=SUM(A1)"."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in _FORMULA:
        return value[1:]
    return value


def clean_row(plan: Plan, cells: list[str], line: int, report: ImportReport) -> dict[str, Any] | None:
    """Normalise one row; add its errors to the report. None when the row is bad."""
    values: dict[str, Any] = {}
    bad = False

    def fail(column_field: str, reason: str) -> None:
        nonlocal bad
        bad = True
        i = plan.index(column_field)
        report.add_error(line, plan.columns[i] if i is not None else FIELDS.get(column_field, column_field), reason)

    for i, name in enumerate(plan.fields):
        if not name:
            continue
        raw = plain_text(cells[i]) if i < len(cells) else ""
        if not raw:
            continue
        limit = _LIMITS.get(name)
        if limit and len(raw) > limit:
            fail(name, f"longer than {limit} characters")
            continue
        try:
            if name in ("date_of_birth", "joined", "continuous_since", "dues_paid_until"):
                values[name] = parse_date(raw)
            elif name == "email":
                validate_email(raw)
                values[name] = raw
            elif name == "phone":
                values[name] = _phone(raw)
            elif name == "postcode":
                values[name] = normalise.postcode(raw)
            elif name == "status":
                status = raw.lower()
                if status not in _STATUSES:
                    raise ValueError(f"“{raw}” is not a status: use active, lapsed, suspended or resigned")
                values[name] = status
            elif name == "name":
                first, _, last = raw.rpartition(" ")
                first, last = (first, last) if first else (last, "")
                values["first_name"], values["last_name"] = first, last
                # The parts go to columns of their own: each must fit, or the write (not the check) would fail.
                if max(len(first), len(last)) > _LIMITS["first_name"]:
                    raise ValueError(f"a first or last name longer than {_LIMITS['first_name']} characters")
            else:
                values[name] = raw
        except ValidationError:
            fail(name, f"“{raw}” is not an email address")
        except (ValueError, normalise.NormaliseError) as exc:
            fail(name, str(exc))
    if not values.get("first_name") and not values.get("last_name"):
        fail("name" if plan.index("name") is not None else "first_name", "no name: give a first or last name")
    dob = values.get("date_of_birth")
    if dob and dob > timezone.localdate():
        fail("date_of_birth", "the date of birth is in the future")
    if "category" in values:
        slug = plan.category_for(values["category"])
        if not slug:
            bad = True  # counted once per value in report.unknown_categories
        values["category"] = slug
    elif any(k in values for k in MEMBERSHIP_FIELDS):
        fail("category", "membership details without a category: say which category this membership is")
    return None if bad else values


def cleaned_batches(
    plan: Plan, stream: IO[bytes], report: ImportReport, progress, phase: str
) -> Iterator[list[tuple[int, dict]]]:
    """The file's good rows, cleaned, BATCH_SIZE rows at a time, as (line,
    values); bad rows add their errors to the report. Counts report.rows."""
    batch: list[tuple[int, dict]] = []
    count = 0
    for line, cells in rows(stream, report.encoding, report.delimiter):
        count += 1
        values = clean_row(plan, cells, line, report)
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
