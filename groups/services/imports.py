"""The member import (CONTRACT.md §3): one service behind the upload pages,
`manage.py import_members` and the API.

How it works, and why:
- The file is read as a stream, three times: once to settle the encoding
  (UTF-8 with or without BOM, else Windows-1252), once to validate and count
  (a dry run stops here), once to write. Only the keys needed to spot the same
  person twice and to match existing people stay in memory, never the rows.
- All or nothing: the write pass runs only when validation found no error,
  inside one transaction; any exception rolls every row back.
- Existing people are matched by membership number, then by email, using two
  dictionaries fetched in one query each; the rows themselves are compared
  and written a batch at a time (bulk_create / bulk_update).
- Empty cells never erase what Rollcall already holds: a matched row only
  changes the fields its file actually fills in.
- Formula-looking cells (=, +, -, @) are stored as the plain text they are;
  nothing is evaluated. One leading apostrophe before such a cell is dropped,
  because that is how Rollcall's own export (and spreadsheets) escape them,
  so an exported file imports back unchanged.
- Columns that map to no field are never read into the database (data
  minimisation) and the report lists them as ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import IO, Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from .. import normalise
from ..models import Branch, Category, Membership, MembershipStatus, Person
from . import audit

BATCH_SIZE = 1000
MAX_ERRORS_SHOWN = 1000
MAX_CATEGORY_VALUES = 100
CHUNK = 1 << 20

# Field name → label shown in the mapping form (CONTRACT §3 / §4 names).
FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "name": "Full name (split into first and last)",
    "email": "Email",
    "phone": "Phone",
    "postcode": "Postcode",
    "ward": "Ward",
    "date_of_birth": "Date of birth",
    "notes": "Notes",
    "category": "Membership category",
    "membership_number": "Membership number",
    "status": "Membership status",
    "joined": "Joined on",
    "continuous_since": "Continuous membership since",
    "dues_paid_until": "Dues paid until",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "forename", "forenames", "givenname", "first", "christianname"),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "name": ("name", "fullname", "membername"),
    "email": ("email", "emailaddress", "mail", "emailaddr"),
    "phone": (
        "phone",
        "phonenumber",
        "mobile",
        "mobilenumber",
        "mobilephone",
        "telephone",
        "telephonenumber",
        "tel",
        "mobiletelephone",
        "cell",
    ),
    "postcode": ("postcode", "postalcode", "zip", "zipcode"),
    "ward": ("ward", "wardname"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate", "birthday"),
    "notes": ("notes", "note", "comments", "comment"),
    "category": ("category", "membershiptype", "membertype", "type", "membershipcategory"),
    "membership_number": (
        "membershipnumber",
        "membershipno",
        "memberno",
        "membernumber",
        "number",
        "membershipid",
        "memberid",
    ),
    "status": ("status", "membershipstatus", "memberstatus"),
    "joined": ("joined", "datejoined", "joindate", "startdate", "joinedon", "startedon", "memberSince".lower()),
    "continuous_since": ("continuoussince", "continuousmembershipsince", "continuousmembership"),
    "dues_paid_until": ("duespaiduntil", "paidupto", "paiduntil", "duespaidupto", "paidto"),
}
_HEADER_INDEX = {alias: name for name, aliases in _ALIASES.items() for alias in (*aliases, name.replace("_", ""))}

PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "postcode", "ward", "date_of_birth", "notes")
MEMBERSHIP_FIELDS = ("membership_number", "status", "joined", "continuous_since", "dues_paid_until")
_MEMBERSHIP_COLUMNS = {  # import field → Membership model field
    "membership_number": "number",
    "status": "status",
    "joined": "started_on",
    "continuous_since": "continuous_since",
    "dues_paid_until": "dues_paid_until",
}
_LIMITS = {"first_name": 100, "last_name": 100, "ward": 100, "email": 254, "membership_number": 40, "notes": 5000}
_STATUSES = {s.value for s in MembershipStatus}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_UK_PHONE = re.compile(r"^0([1-9]\d{9})$")
_FORMULA = ("=", "+", "-", "@")
NEW_CATEGORY = "new"


def header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", (text or "").strip().lstrip("\ufeff")).lower()


def guess_field(header: str) -> str:
    return _HEADER_INDEX.get(header_key(header), "")


def category_key(value: str) -> str:
    return " ".join((value or "").split()).casefold()


@dataclass
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class ImportReport:
    encoding: str = ""
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)  # the file's headers, in order
    mapping: list[str] = field(default_factory=list)  # field per column ("" = ignored)
    ignored_columns: list[str] = field(default_factory=list)
    category_values: list[dict] = field(default_factory=list)  # {"value", "rows", "category" (slug/"new"/"")}
    unknown_categories: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    categories_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""  # the file as a whole could not be read
    dry_run: bool = True
    applied: bool = False

    @property
    def encoding_label(self) -> str:
        return {"utf-8-sig": "UTF-8 (with BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(
            self.encoding, self.encoding
        )

    @property
    def delimiter_label(self) -> str:
        return {",": "comma", ";": "semicolon"}.get(self.delimiter, self.delimiter)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def column_mapping(self) -> list[tuple[str, str]]:
        return list(zip(self.columns, self.mapping, strict=False))

    def add_error(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(RowError(line, column, reason))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        data["ok"] = self.ok
        data["encoding_label"] = self.encoding_label
        data["delimiter_label"] = self.delimiter_label
        data["mapping"] = dict(self.column_mapping)
        data["errors_truncated"] = self.errors_truncated
        return data


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says what to fix."""


# --- reading ------------------------------------------------------------------


def _binary(source) -> IO[bytes]:
    """A seekable binary stream for a path, an open file or a Django upload."""
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")  # noqa: SIM115 (closed by the caller)
    inner = getattr(source, "file", source)  # Django's UploadedFile wraps the real file
    inner.seek(0)
    return inner


def detect_encoding(stream: IO[bytes]) -> str:
    """'utf-8-sig', 'utf-8' or 'cp1252', reading the whole file in chunks."""
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


def detect_delimiter(sample: str) -> str:
    first_line = sample.splitlines()[0] if sample else ""
    try:
        found = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        found = ""
    if found in (",", ";") and first_line.count(found):
        return found
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _rows(stream: IO[bytes], encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
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


# --- values -------------------------------------------------------------------


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


@dataclass
class _Plan:
    """What the organiser chose: which column feeds which field, and which
    branch category each category value in the file stands for."""

    columns: list[str]
    fields: list[str]
    category_choice: dict[str, str]  # category_key(value) → slug or NEW_CATEGORY
    categories: dict[str, Category]  # slug → Category
    auto: dict[str, str]  # category_key(name or slug) → slug

    def index(self, name: str) -> int | None:
        try:
            return self.fields.index(name)
        except ValueError:
            return None

    def category_for(self, value: str) -> str:
        key = category_key(value)
        if key in self.category_choice:
            return self.category_choice[key]
        return self.auto.get(key) or self.auto.get(slugify(value), "")


def _clean(plan: _Plan, cells: list[str], line: int, report: ImportReport) -> dict[str, Any] | None:
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


# --- the service --------------------------------------------------------------


def _plan(branch: Branch, columns: list[str], mapping: dict[str, str] | None, category_map: dict[str, str] | None):
    mapping = {header_key(k): v for k, v in (mapping or {}).items()}
    fields: list[str] = []
    for col in columns:
        key = header_key(col)
        chosen = mapping[key] if key in mapping else guess_field(col)
        if chosen and chosen not in FIELDS:
            raise FileProblem(f"“{chosen}” is not a field Rollcall imports (column “{col}”).")
        fields.append(chosen or "")
    categories = {c.slug: c for c in Category.objects.filter(branch=branch)}
    auto = {}
    for c in categories.values():
        auto[category_key(c.name)] = c.slug
        auto[c.slug] = c.slug
    choice = {}
    for value, target in (category_map or {}).items():
        if target and target != NEW_CATEGORY and target not in categories:
            raise FileProblem(f"“{target}” is not one of this branch's categories.")
        if target:
            choice[category_key(value)] = target
    return _Plan(columns=columns, fields=fields, category_choice=choice, categories=categories, auto=auto)


def _check_columns(plan: _Plan) -> None:
    if not any(plan.fields):
        raise FileProblem(
            "The first line of the file is not a header row. Add a first line naming the columns "
            "(for example: First name, Last name, Email, Membership type) and upload it again."
        )
    seen: dict[str, str] = {}
    for col, name in zip(plan.columns, plan.fields, strict=True):
        if not name:
            continue
        if name in seen:
            raise FileProblem(
                f"Two columns feed {FIELDS[name].lower()}: “{seen[name]}” and “{col}”. Ignore one of them."
            )
        seen[name] = col
    if not ({"first_name", "last_name", "name"} & set(seen)):
        raise FileProblem(
            "No column holds people's names. Map a column to first name, last name or full name "
            "(the file's headers are: " + ", ".join(plan.columns) + ")."
        )


def import_members(
    *,
    branch: Branch,
    source,
    actor,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    category_map: dict[str, str] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Validate a membership list and, unless `dry_run` or any row is bad,
    write it in one transaction. `mapping`: file column → field name ("" to
    ignore). `category_map`: value in the file → category slug, or "new" to
    create a category of that name. Never raises for problems in the file:
    the report says what is wrong (report.file_error / report.errors)."""
    report = ImportReport(dry_run=dry_run)
    stream = _binary(source)
    try:
        try:
            plan = _prepare(branch, stream, report, mapping, category_map)
            _validate(branch, stream, plan, report, progress)
        except FileProblem as exc:
            report.file_error = str(exc)
            return report
        if dry_run or not report.ok:
            return report
        try:
            _write(branch=branch, stream=stream, plan=plan, report=report, actor=actor, progress=progress)
        except _Retry:
            report.file_error = (
                "The people in Rollcall changed while the file was being imported. Nothing was written; try again."
            )
            return report
        report.applied = True
        return report
    finally:
        if isinstance(source, (str, os.PathLike)):
            stream.close()


def read_columns(source) -> list[str]:
    """The file's header row (for a mapping form); [] when it cannot be read."""
    stream = _binary(source)
    report = ImportReport()
    try:
        report.encoding = detect_encoding(stream)
        text = _text(stream, report.encoding)
        try:
            sample = text.read(64 * 1024)
        finally:
            _release(text)
        header = next(csv.reader(io.StringIO(sample), delimiter=detect_delimiter(sample)), [])
        return [h.strip().lstrip("\ufeff") for h in header]
    except (FileProblem, csv.Error):
        return []
    finally:
        if isinstance(source, (str, os.PathLike)):
            stream.close()


def _prepare(branch, stream, report: ImportReport, mapping, category_map) -> _Plan:
    max_bytes = getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    if size > max_bytes:
        raise FileProblem(f"The file is {size / 1048576:.1f} MB; the limit is {max_bytes // 1048576} MB.")
    report.encoding = detect_encoding(stream)
    text = _text(stream, report.encoding)
    try:
        sample = text.read(64 * 1024)
    finally:
        _release(text)
    report.delimiter = detect_delimiter(sample)
    try:
        header = next(csv.reader(io.StringIO(sample), delimiter=report.delimiter), [])
    except csv.Error as exc:
        raise FileProblem(f"This is not a CSV file Rollcall can read ({exc}).") from None
    columns = [h.strip().lstrip("\ufeff") for h in header]
    report.columns = columns
    plan = _plan(branch, columns, mapping, category_map)
    report.mapping = plan.fields
    report.ignored_columns = [c for c, f in zip(columns, plan.fields, strict=True) if not f]
    _check_columns(plan)
    return plan


def _existing_keys(branch) -> tuple[dict[str, int], dict[str, int]]:
    numbers: dict[str, int] = {}
    for number, person_id in (
        Membership.objects.filter(branch=branch).exclude(number="").values_list("number", "person_id").iterator()
    ):
        numbers.setdefault(number, person_id)
    emails = dict(
        Person.objects.filter(branch=branch)
        .exclude(email="")
        .annotate(key=Lower("email"))
        .values_list("key", "id")
        .iterator()
    )
    return numbers, emails


def _batches(plan, stream, report, progress, phase) -> Iterator[list[tuple[int, dict]]]:
    batch: list[tuple[int, dict]] = []
    count = 0
    for line, cells in _rows(stream, report.encoding, report.delimiter):
        count += 1
        values = _clean(plan, cells, line, report)
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


def _validate(branch, stream, plan: _Plan, report: ImportReport, progress) -> None:
    numbers, emails = _existing_keys(branch)
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    seen_people: dict[int, int] = {}
    category_values: dict[str, dict] = {}
    try:
        for batch in _batches(plan, stream, report, progress, "checking"):
            matched: list[tuple[int, dict, int | None]] = []
            for line, values in batch:
                number = values.get("membership_number", "")
                email = values.get("email", "").lower()
                problem = False
                if number and number in seen_numbers:
                    report.add_error(
                        line,
                        _col(plan, "membership_number"),
                        f"the same membership number as line {seen_numbers[number]}",
                    )
                    problem = True
                if email and email in seen_emails:
                    report.add_error(line, _col(plan, "email"), f"the same email as line {seen_emails[email]}")
                    problem = True
                person_id = numbers.get(number) if number else None
                if person_id is None and email:
                    person_id = emails.get(email)
                if email and person_id is not None and emails.get(email, person_id) != person_id:
                    report.add_error(
                        line,
                        _col(plan, "email"),
                        "this email belongs to someone else in Rollcall, not to the member with this membership number",
                    )
                    problem = True
                if person_id is not None and person_id in seen_people and not problem:
                    report.add_error(
                        line,
                        _col(plan, "membership_number" if number else "email"),
                        f"the same person as line {seen_people[person_id]}",
                    )
                    problem = True
                if number:
                    seen_numbers.setdefault(number, line)
                if email:
                    seen_emails.setdefault(email, line)
                if person_id is not None:
                    seen_people.setdefault(person_id, line)
                if not problem:
                    matched.append((line, values, person_id))
            _count(branch, plan, matched, report)
        _collect_categories(plan, stream, report, category_values)
    except csv.Error as exc:
        raise FileProblem(f"The file is not a CSV file Rollcall can read: {exc}.") from None


def _col(plan: _Plan, name: str) -> str:
    i = plan.index(name)
    return plan.columns[i] if i is not None else FIELDS[name]


def _collect_categories(plan: _Plan, stream, report: ImportReport, values: dict[str, dict]) -> None:
    """The distinct category values in the file, and what each maps to. A
    cheap extra pass over one column: a file has a handful of values."""
    i = plan.index("category")
    if i is None:
        return
    first_line: dict[str, int] = {}
    for line, cells in _rows(stream, report.encoding, report.delimiter):
        raw = plain_text(cells[i]) if i < len(cells) else ""
        if not raw:
            continue
        key = category_key(raw)
        if key not in values:
            if len(values) >= MAX_CATEGORY_VALUES:
                raise FileProblem(
                    f"The column “{plan.columns[i]}” has more than {MAX_CATEGORY_VALUES} different values; "
                    "is it really the membership category? Choose another column or ignore it."
                )
            values[key] = {"value": raw, "rows": 0, "category": plan.category_for(raw)}
            first_line[key] = line
        values[key]["rows"] += 1
    report.category_values = list(values.values())
    for key, entry in values.items():
        if not entry["category"]:
            report.unknown_categories.append(entry["value"])
            report.add_error(
                first_line[key],
                plan.columns[i],
                f"“{entry['value']}” is not one of this branch's categories ({entry['rows']:,} rows): "
                "choose the category it stands for, or create it",
            )


def _person_values(values: dict) -> dict:
    return {k: values[k] for k in PERSON_FIELDS if k in values}


def _membership_values(values: dict) -> dict:
    return {_MEMBERSHIP_COLUMNS[k]: values[k] for k in MEMBERSHIP_FIELDS if k in values}


def _load(branch, ids: list[int], category_ids: set[int]):
    people = {p.pk: p for p in Person.objects.filter(branch=branch, pk__in=ids)}
    memberships: dict[tuple[int, int], Membership] = {}
    if category_ids:
        for m in Membership.objects.filter(person_id__in=ids, category_id__in=category_ids).order_by("id"):
            memberships.setdefault((m.person_id, m.category_id), m)
    return people, memberships


def _changes(obj, new: dict) -> list[str]:
    return [k for k, v in new.items() if getattr(obj, k) != v]


def _count(branch, plan: _Plan, matched, report: ImportReport) -> None:
    ids = [pid for _, _, pid in matched if pid is not None]
    cat_ids = {
        plan.categories[v["category"]].pk
        for _, v, pid in matched
        if pid is not None and v.get("category") in plan.categories
    }
    people, memberships = _load(branch, ids, cat_ids) if ids else ({}, {})
    for _, values, person_id in matched:
        if person_id is None:
            report.created += 1
            continue
        person = people[person_id]
        changed = bool(_changes(person, _person_values(values)))
        slug = values.get("category")
        if slug:
            category = plan.categories.get(slug)
            membership = memberships.get((person_id, category.pk)) if category else None
            changed = changed or membership is None or bool(_changes(membership, _membership_values(values)))
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1


@transaction.atomic
def _write(*, branch, stream, plan: _Plan, report: ImportReport, actor, progress) -> None:
    created, updated, unchanged = report.created, report.updated, report.unchanged
    report.created = report.updated = report.unchanged = 0
    _create_categories(branch, plan, report, actor)
    numbers, emails = _existing_keys(branch)
    today = timezone.localdate()
    now = timezone.now()
    scratch = ImportReport(encoding=report.encoding, delimiter=report.delimiter)
    for batch in _batches(plan, stream, scratch, progress, "importing"):
        new_people: list[tuple[Person, dict]] = []
        matched = []
        for _, values in batch:
            number, email = values.get("membership_number", ""), values.get("email", "").lower()
            person_id = numbers.get(number) if number else None
            if person_id is None and email:
                person_id = emails.get(email)
            if person_id is None:
                new_people.append((Person(branch=branch, **_person_values(values)), values))
            else:
                matched.append((person_id, values))
        Person.objects.bulk_create([p for p, _ in new_people], batch_size=BATCH_SIZE)
        new_memberships = []
        for person, values in new_people:
            if values.get("category"):
                new_memberships.append(_new_membership(branch, plan, person.pk, values, today))
        report.created += len(new_people)

        ids = [pid for pid, _ in matched]
        cat_ids = {plan.categories[v["category"]].pk for _, v in matched if v.get("category")}
        people, memberships = _load(branch, ids, cat_ids) if ids else ({}, {})
        changed_people, changed_memberships = [], []
        person_fields, membership_fields = {"updated_at"}, set()
        for person_id, values in matched:
            person = people[person_id]
            new = _person_values(values)
            diff = _changes(person, new)
            for k in diff:
                setattr(person, k, new[k])
            if diff:
                person.updated_at = now
                person_fields.update(diff)
                changed_people.append(person)
            m_changed = False
            if values.get("category"):
                category = plan.categories[values["category"]]
                membership = memberships.get((person_id, category.pk))
                if membership is None:
                    new_memberships.append(_new_membership(branch, plan, person_id, values, today))
                    m_changed = True
                else:
                    new_m = _membership_values(values)
                    m_diff = _changes(membership, new_m)
                    for k in m_diff:
                        setattr(membership, k, new_m[k])
                    if m_diff:
                        membership_fields.update(m_diff)
                        changed_memberships.append(membership)
                        m_changed = True
            if diff or m_changed:
                report.updated += 1
            else:
                report.unchanged += 1
        if changed_people:
            Person.objects.bulk_update(changed_people, sorted(person_fields), batch_size=BATCH_SIZE)
        if changed_memberships:
            Membership.objects.bulk_update(changed_memberships, sorted(membership_fields), batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(new_memberships, batch_size=BATCH_SIZE)
    if (report.created, report.updated, report.unchanged) != (created, updated, unchanged):
        # The list changed between the check and the write (someone else edited it).
        raise _Retry
    audit.record(
        actor=actor,
        branch=branch,
        action="people.import",
        object_type="import",
        summary=f"Imported a membership list: {report.created:,} created, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged",
        changes={
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "categories_created": len(report.categories_created),
        },
    )


class _Retry(Exception):
    pass


def _new_membership(branch, plan: _Plan, person_id: int, values: dict, today: date) -> Membership:
    m = _membership_values(values)
    return Membership(
        person_id=person_id,
        branch=branch,
        category=plan.categories[values["category"]],
        number=m.get("number", ""),
        status=m.get("status", MembershipStatus.ACTIVE),
        started_on=m.get("started_on") or m.get("continuous_since") or today,
        continuous_since=m.get("continuous_since"),
        dues_paid_until=m.get("dues_paid_until"),
    )


def _create_categories(branch, plan: _Plan, report: ImportReport, actor) -> None:
    wanted = [e["value"] for e in report.category_values if e["category"] == NEW_CATEGORY]
    if not wanted:
        return
    order = max((c.order for c in plan.categories.values()), default=-1) + 1
    # A "new" value whose name the branch already has (or that an earlier value
    # just created) is that category: a second one of the same name cannot exist.
    by_name = {c.name.casefold(): c for c in plan.categories.values()}
    for value in wanted:
        name = " ".join(value.split())[:100]
        same = by_name.get(name.casefold())
        if same is not None:
            plan.category_choice[category_key(value)] = same.slug
            continue
        base = slugify(name)[:60] or "category"
        slug, n = base, 2
        while slug in plan.categories:
            slug, n = f"{base[:55]}-{n}", n + 1
        category = Category.objects.create(branch=branch, name=name, slug=slug, order=order)
        order += 1
        plan.categories[slug] = category
        by_name[name.casefold()] = category
        plan.category_choice[category_key(value)] = slug
        report.categories_created.append(name)
        audit.record(
            actor=actor,
            branch=branch,
            action="category.create",
            obj=category,
            summary=f"Created category {name} during an import",
        )
