"""The member import (CONTRACT.md §3): one service behind the upload pages,
`manage.py import_members`, the API and the background task
(groups/imports/jobs.py). Reading, mapping, cleaning and checking the file
live in groups/imports/; this module owns the write.

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

import os
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..imports import cleaning, spreadsheets
from ..imports.checking import changed_fields, existing_keys, load_matched, match, validate
from ..imports.cleaning import cleaned_batches
from ..imports.formats import ODS, XLSX, file_kind
from ..imports.mapping import (
    NEW_CATEGORY,
    Plan,
    category_key,
    check_columns,
    make_plan,
    membership_values,
    person_values,
)
from ..imports.reading import open_source, read_header
from ..imports.report import FileProblem, ImportReport
from ..models import AuditAction, Branch, Category, Membership, MembershipStatus, Person
from ..sql import maintenance
from . import audit, member_since, people_version

ANALYZE_ROWS = 1000  # an import writing this many rows refreshes the planner's statistics


def import_members(
    *,
    branch: Branch,
    source,
    actor,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    category_map: dict[str, str] | None = None,
    status_map: dict[str, str] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Validate a membership list and, unless `dry_run` or any row is bad,
    write it in one transaction. `mapping`: file column → field name ("" to
    ignore). `category_map`: value in the file → category slug, or "new" to
    create a category of that name. `status_map`: value in the status column →
    active, lapsed, suspended or resigned (common values are guessed). A
    written import keeps its choices on the branch for the next file
    (Branch.import_choices). Never raises for problems in the file:
    the report says what is wrong (report.file_error / report.errors)."""
    report = ImportReport(dry_run=dry_run)
    today = timezone.localdate()
    original = stream = open_source(source)
    workbook = None
    try:
        try:
            workbook = _workbook_as_csv(original)
            stream = workbook or original
            plan = _prepare(branch, stream, report, mapping, category_map, status_map)
            validate(branch, stream, plan, report, progress, today=today)
        except FileProblem as exc:
            report.file_error = str(exc)
            return report
        if dry_run or not report.ok:
            return report
        try:
            _write(branch=branch, stream=stream, plan=plan, report=report, actor=actor, progress=progress, today=today)
        except _Retry:
            report.file_error = (
                "The people in Rollcall changed while the file was being imported. Nothing was written; try again."
            )
            return report
        report.applied = True
        if report.created + report.updated >= getattr(settings, "IMPORT_ANALYZE_ROWS", ANALYZE_ROWS):
            maintenance.analyze(Person, Membership)  # after the commit: the door's search plans on fresh statistics
        return report
    finally:
        if workbook is not None:
            workbook.close()
        if isinstance(source, (str, os.PathLike)):
            original.close()


def _max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def _workbook_as_csv(stream):
    """An .xlsx or .ods upload as CSV (groups/imports/spreadsheets.py); None for anything else."""
    kind = file_kind(stream)
    if kind not in (XLSX, ODS):
        return None
    _check_size(stream)
    return spreadsheets.as_csv(stream, kind, max_bytes=_max_bytes())


def _check_size(stream) -> None:
    max_bytes = _max_bytes()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        raise FileProblem(f"The file is {size / 1048576:.1f} MB; the limit is {max_bytes // 1048576} MB.")


def _prepare(branch, stream, report: ImportReport, mapping, category_map, status_map) -> Plan:
    _check_size(stream)
    report.encoding, report.delimiter, columns = read_header(stream)
    report.columns = columns
    plan = make_plan(branch, columns, mapping, category_map, status_map)
    report.mapping = plan.fields
    report.ignored_columns = [c for c, f in zip(columns, plan.fields, strict=True) if not f]
    check_columns(plan)
    return plan


@transaction.atomic(durable=True)
def _write(*, branch, stream, plan: Plan, report: ImportReport, actor, progress, today: date) -> None:
    created, updated, unchanged = report.created, report.updated, report.unchanged
    report.created = report.updated = report.unchanged = 0
    _create_categories(branch, plan, report, actor)
    numbers, emails = existing_keys(branch)
    now = timezone.now()
    scratch = ImportReport(encoding=report.encoding, delimiter=report.delimiter)
    for batch in cleaned_batches(plan, stream, scratch, progress, "importing", today=today):
        new_people: list[tuple[Person, dict]] = []
        matched = []
        for _, values in batch:
            number, email = values.get("membership_number", ""), values.get("email", "").lower()
            person_id = match(numbers, emails, number, email)
            if person_id is None:
                new_people.append((Person(branch=branch, **person_values(values)), values))
            else:
                matched.append((person_id, values))
        Person.objects.bulk_create([p for p, _ in new_people], batch_size=cleaning.BATCH_SIZE)
        new_memberships = []
        for person, values in new_people:
            if values.get("category"):
                new_memberships.append(_new_membership(branch, plan, person.pk, values, today))
        report.created += len(new_people)

        ids = [pid for pid, _ in matched]
        cat_ids = {plan.categories[v["category"]].pk for _, v in matched if v.get("category")}
        people, memberships = load_matched(branch, ids, cat_ids) if ids else ({}, {})
        changed_people, changed_memberships = [], []
        person_fields, membership_fields = {"updated_at"}, set()
        for person_id, values in matched:
            person = people[person_id]
            new = person_values(values)
            diff = changed_fields(person, new)
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
                    new_m = membership_values(values)
                    m_diff = changed_fields(membership, new_m)
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
            Person.objects.bulk_update(changed_people, sorted(person_fields), batch_size=cleaning.BATCH_SIZE)
        if changed_memberships:
            Membership.objects.bulk_update(
                changed_memberships, sorted(membership_fields), batch_size=cleaning.BATCH_SIZE
            )
        Membership.objects.bulk_create(new_memberships, batch_size=cleaning.BATCH_SIZE)
        member_since.refresh(m.person_id for m in [*new_memberships, *changed_memberships])
    if (report.created, report.updated, report.unchanged) != (created, updated, unchanged):
        # The list changed between the check and the write (someone else edited it).
        raise _Retry
    _remember_choices(branch, plan)
    if report.created or report.updated or report.categories_created:
        # At the end, as _remember_choices writes the branch row too: held only until the commit.
        people_version.bump(branch.pk)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PEOPLE_IMPORT,
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


def _remember_choices(branch: Branch, plan: Plan) -> None:
    """What this import chose, for the branch's next file (headers and values, never a person's data)."""
    branch.import_choices = {
        "mapping": dict(zip(plan.columns, plan.fields, strict=True)),
        "category_map": dict(plan.category_choice),
        "status_map": dict(plan.status_choice),
    }
    branch.save(update_fields=["import_choices"])


def remembered_choices(branch: Branch) -> dict[str, dict[str, str]]:
    """The branch's last import choices, less any category since deleted."""
    kept = branch.import_choices or {}
    slugs = set(Category.objects.filter(branch=branch).values_list("slug", flat=True))
    return {
        "mapping": dict(kept.get("mapping") or {}),
        "category_map": {k: v for k, v in (kept.get("category_map") or {}).items() if v in slugs},
        "status_map": dict(kept.get("status_map") or {}),
    }


class _Retry(Exception):
    pass


def _new_membership(branch, plan: Plan, person_id: int, values: dict, today: date) -> Membership:
    m = membership_values(values)
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


def _create_categories(branch, plan: Plan, report: ImportReport, actor) -> None:
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
            action=AuditAction.CATEGORY_CREATE,
            obj=category,
            summary=f"Created category {name} during an import",
        )
