"""The check pass over the whole file: the same person twice, an email that
belongs to someone else, category values the branch does not have, and how
many rows would create, update or leave unchanged a person. Existing people
are matched by membership number, then by email, with two dictionaries
fetched in one query each; only those keys stay in memory, never the rows."""

from __future__ import annotations

import csv
from datetime import date

from django.db.models.functions import Lower

from ..models import Membership, Person
from .cleaning import cleaned_batches, plain_text
from .duplicates import NearDuplicates
from .mapping import Plan, category_key, column_label, membership_values, person_values
from .preview import add_rows, add_warnings
from .reading import rows
from .report import FileProblem, ImportReport

MAX_CATEGORY_VALUES = 100


def existing_keys(branch) -> tuple[dict[str, int], dict[str, int]]:
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


def match(numbers: dict[str, int], emails: dict[str, int], number: str, email: str) -> int | None:
    """The existing person a row stands for: by membership number, else by email."""
    person_id = numbers.get(number) if number else None
    if person_id is None and email:
        person_id = emails.get(email)
    return person_id


def validate(branch, stream, plan: Plan, report: ImportReport, progress, *, today: date) -> None:
    numbers, emails = existing_keys(branch)
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    seen_people: dict[int, int] = {}
    near = NearDuplicates(branch)
    try:
        for batch in cleaned_batches(plan, stream, report, progress, "checking", today=today):
            matched: list[tuple[int, dict, int | None]] = []
            for line, values in batch:
                number = values.get("membership_number", "")
                email = values.get("email", "").lower()
                problem = False
                if number and number in seen_numbers:
                    report.add_error(
                        line,
                        column_label(plan, "membership_number"),
                        f"the same membership number as line {seen_numbers[number]}",
                    )
                    problem = True
                if email and email in seen_emails:
                    report.add_error(line, column_label(plan, "email"), f"the same email as line {seen_emails[email]}")
                    problem = True
                person_id = match(numbers, emails, number, email)
                if email and person_id is not None and emails.get(email, person_id) != person_id:
                    report.add_error(
                        line,
                        column_label(plan, "email"),
                        "this email belongs to someone else in Rollcall, not to the member with this membership number",
                    )
                    problem = True
                if person_id is not None and person_id in seen_people and not problem:
                    report.add_error(
                        line,
                        column_label(plan, "membership_number" if number else "email"),
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
                    if person_id is None:
                        near.check(line, values)
            _count(branch, plan, matched, report)
            add_rows(plan, [(line, values) for line, values, _ in matched], report)
        _collect_values(plan, stream, report)
        report.near_duplicates, report.near_duplicate_count = near.found, near.count
        report.blocked = report.rows - report.created - report.updated - report.unchanged
        add_warnings(plan, report)
    except csv.Error as exc:
        raise FileProblem(f"The file is not a CSV file Rollcall can read: {exc}.") from None


def _collect_values(plan: Plan, stream, report: ImportReport) -> None:
    """The distinct category and status values in the file, and what each maps
    to. A cheap extra pass over two columns: a file has a handful of values."""
    columns = {name: plan.index(name) for name in ("category", "status") if plan.index(name) is not None}
    if not columns:
        return
    found: dict[str, dict[str, dict]] = {name: {} for name in columns}
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in rows(stream, report.encoding, report.delimiter):
        for name, i in columns.items():
            raw = plain_text(cells[i]) if i < len(cells) else ""
            if not raw:
                continue
            key = category_key(raw)
            values = found[name]
            if key not in values:
                if len(values) >= MAX_CATEGORY_VALUES:
                    raise FileProblem(
                        f"The column “{plan.columns[i]}” has more than {MAX_CATEGORY_VALUES} different values; "
                        f"is it really the membership {name}? Choose another column or ignore it."
                    )
                target = plan.category_for(raw) if name == "category" else plan.status_for(raw)
                values[key] = {"value": raw, "rows": 0, name: target}
                first_line[(name, key)] = line
            values[key]["rows"] += 1
    if "category" in found:
        report.category_values = list(found["category"].values())
    if "status" in found:
        report.status_values = list(found["status"].values())
    for name, values in found.items():
        for key, entry in values.items():
            if entry[name]:
                continue
            count = f"{entry['rows']:,} row{'' if entry['rows'] == 1 else 's'}"
            if name == "category":
                report.unknown_categories.append(entry["value"])
                reason = (
                    f"“{entry['value']}” is not one of this branch's categories ({count}): "
                    "choose the category it stands for, or create it"
                )
            else:
                report.unknown_statuses.append(entry["value"])
                reason = (
                    f"“{entry['value']}” is not a status Rollcall knows ({count}): choose the "
                    "status it stands for (active, lapsed, suspended or resigned)"
                )
            report.add_error(first_line[(name, key)], plan.columns[columns[name]], reason)


def load_matched(branch, ids: list[int], category_ids: set[int]):
    people = {p.pk: p for p in Person.objects.filter(branch=branch, pk__in=ids)}
    memberships: dict[tuple[int, int], Membership] = {}
    if category_ids:
        for m in Membership.objects.filter(person_id__in=ids, category_id__in=category_ids).order_by("id"):
            memberships.setdefault((m.person_id, m.category_id), m)
    return people, memberships


def changed_fields(obj, new: dict) -> list[str]:
    return [k for k, v in new.items() if getattr(obj, k) != v]


def _count(branch, plan: Plan, matched, report: ImportReport) -> None:
    ids = [pid for _, _, pid in matched if pid is not None]
    cat_ids = {
        plan.categories[v["category"]].pk
        for _, v, pid in matched
        if pid is not None and v.get("category") in plan.categories
    }
    people, memberships = load_matched(branch, ids, cat_ids) if ids else ({}, {})
    for _, values, person_id in matched:
        if person_id is None:
            report.created += 1
            continue
        person = people[person_id]
        changed = bool(changed_fields(person, person_values(values)))
        slug = values.get("category")
        if slug:
            category = plan.categories.get(slug)
            membership = memberships.get((person_id, category.pk)) if category else None
            changed = changed or membership is None or bool(changed_fields(membership, membership_values(values)))
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
