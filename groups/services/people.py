"""Writing people and their memberships. The pages, the CSV import and the API
all call these functions; each runs in one transaction and leaves one audit
event.

`data` uses CONTRACT.md §4's field names; a person's fields are checked by
groups.cleaning.clean_person, the same function the door, registrations and
the import use. Memberships are dicts with the keys
category (a Category of the branch or its slug), number, status, started_on,
continuous_since, ended_on, dues_paid_until, and, when updating, an optional id.
Dates may be `date` objects or text in YYYY-MM-DD or DD/MM/YYYY.

Bad input raises InvalidInput with `errors={"field": [messages]}`; membership
fields are named "memberships.<index>.<field>" (index into the list given).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from .. import normalise
from ..cleaning import FieldErrors, clean_person
from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Branch, Category, Channel, Membership, MembershipStatus, Person, Purpose
from ..sql import as_id
from . import audit, consent, member_since, people_version

MEMBERSHIP_FIELDS = ("category", "number", "status", "started_on", "continuous_since", "ended_on", "dues_paid_until")

BULK_ACTIONS = {
    "set_status": "Change membership status",
    "add_category": "Add a category",
    "set_dues_paid": "Set dues paid until",
}


def _clean_person(branch: Branch, data: dict, *, person: Person | None, errors: FieldErrors) -> dict:
    """Validated, normalised values for the keys present in `data` (groups.cleaning),
    and an email no one else in the branch has."""
    current = {"first_name": person.first_name, "last_name": person.last_name} if person else None
    out, found = clean_person(data, today=timezone.localdate(), current=current)
    for field, messages in found.items():
        for message in messages:
            errors.add(field, message)
    email = out.get("email")
    if email and "email" not in errors:
        clash = Person.objects.filter(branch=branch, email__iexact=email)
        if person is not None:
            clash = clash.exclude(pk=person.pk)
        if clash.exists():
            errors.add("email", f"Someone in this branch already has the email address {email}.")
    return out


def _category(branch: Branch, value: Any, categories: dict[str, Category]) -> Category | None:
    if isinstance(value, Category):
        return value if value.branch_id == branch.pk else None
    return categories.get(str(value or "").strip().lower())


def _clean_memberships(
    branch: Branch, memberships: Iterable[dict], *, person: Person | None, errors: FieldErrors
) -> list[dict]:
    categories = {c.slug: c for c in Category.objects.filter(branch=branch)}
    existing = {m.pk: m for m in person.memberships.all()} if person is not None else {}
    cleaned: list[dict] = []
    seen_numbers: dict[tuple[int, str], int] = {}
    for index, raw in enumerate(memberships):
        prefix = f"memberships.{index}."
        row: dict[str, Any] = {}
        unknown = set(raw) - set(MEMBERSHIP_FIELDS) - {"id"}
        for key in sorted(unknown):
            errors.add(prefix + key, f"“{key}” is not a field of a membership.")
        mid = raw.get("id")
        if mid not in (None, ""):
            try:
                mid = int(mid)
            except (TypeError, ValueError):
                mid = -1
            if mid not in existing:
                errors.add(prefix + "id", "This membership does not belong to this person.")
            row["id"] = mid
        category = _category(branch, raw.get("category"), categories)
        if category is None:
            given = raw.get("category")
            if given in (None, ""):
                errors.add(prefix + "category", "Choose a category.")
            else:
                errors.add(prefix + "category", f"“{given}” is not a category of this branch.")
        row["category"] = category
        number = str(raw.get("number") or "").strip()
        if len(number) > 40:
            errors.add(prefix + "number", "Use at most 40 characters.")
        row["number"] = number
        status = str(raw.get("status") or MembershipStatus.ACTIVE).strip().lower()
        if status not in MembershipStatus.values:
            errors.add(
                prefix + "status", f"“{raw.get('status')}” is not a status: use active, lapsed, suspended or resigned."
            )
        row["status"] = status
        for key in ("started_on", "continuous_since", "ended_on", "dues_paid_until"):
            try:
                row[key] = normalise.parse_date(raw.get(key))
            except ValueError as exc:
                errors.add(prefix + key, f"{exc}.")
                row[key] = None
        if row["started_on"] is None and prefix + "started_on" not in errors:
            errors.add(prefix + "started_on", "Enter the date this membership started.")
        if row["started_on"] and row["ended_on"] and row["ended_on"] < row["started_on"]:
            errors.add(prefix + "ended_on", "The end date must be on or after the start date.")
        if row["started_on"] and row["continuous_since"] and row["continuous_since"] > row["started_on"]:
            errors.add(prefix + "continuous_since", "“Continuous since” must be on or before the start date.")
        if number and category is not None:
            key = (category.pk, number.lower())
            if key in seen_numbers:
                errors.add(prefix + "number", f"Membership number {number} is given twice for {category.name}.")
            seen_numbers[key] = index
            clash = Membership.objects.filter(branch=branch, category=category, number=number)
            if person is not None:
                clash = clash.exclude(person=person)
            if clash.exists():
                errors.add(
                    prefix + "number", f"Someone else in this branch already has {category.name} number {number}."
                )
        cleaned.append(row)
    return cleaned


def _membership_label(m: Membership) -> str:
    return m.category.slug


def _apply_memberships(person: Person, rows: list[dict], changes: dict) -> None:
    existing = {m.pk: m for m in person.memberships.select_related("category")}
    keep = {row["id"] for row in rows if row.get("id")}
    for pk, membership in existing.items():
        if pk not in keep:
            changes[f"memberships.{pk}"] = {"old": _membership_label(membership), "new": None}
            membership.delete()
    fields = list(MEMBERSHIP_FIELDS)
    for row in rows:
        values = {f: row[f] for f in fields}
        if row.get("id"):
            membership = existing[row["id"]]
            diff = audit.diff(membership, values)
            if diff:
                for field, change in diff.items():
                    if field == "category":
                        change = {"old": membership.category.slug, "new": values["category"].slug}
                    changes[f"memberships.{membership.pk}.{field}"] = change
                for field, value in values.items():
                    setattr(membership, field, value)
                membership.save()
        else:
            membership = Membership.objects.create(person=person, branch_id=person.branch_id, **values)
            changes[f"memberships.{membership.pk}"] = {"old": None, "new": values["category"].slug}
    member_since.refresh([person.pk])


CONSENT_KEYS = {"consent_email": Channel.EMAIL, "consent_phone": Channel.PHONE}


def _record_consent(person: Person, given: dict, *, actor, at: datetime) -> None:
    """The form's consent answers (service messages), each change with its
    history row: the person's own when their account made it, else an organiser's."""
    method = consent.method_for(person, actor)
    for key, value in given.items():
        consent.record_within(
            person=person,
            channel=CONSENT_KEYS[key],
            purpose=Purpose.SERVICE,
            given=bool(value),
            method=method,
            actor=actor,
            at=at,
        )


def _save(fn):
    """Database constraints are the last line: a race that slips past the checks
    above becomes a readable error, not a 500."""
    try:
        return fn()
    except IntegrityError as exc:
        raise InvalidInput(
            "Someone else changed these records at the same moment; check the email address and membership "
            "numbers and try again.",
            code="conflict",
            errors={},
        ) from exc


@transaction.atomic(durable=True)
def create_person(
    *, branch: Branch, actor, data: dict, memberships: Iterable[dict] = (), at: datetime | None = None
) -> Person:
    """A new person with their memberships. Missing data keys take their defaults."""
    now = at or timezone.now()
    errors = FieldErrors()
    values = _clean_person(branch, data, person=None, errors=errors)
    rows = _clean_memberships(branch, list(memberships), person=None, errors=errors)
    errors.raise_if_any()
    # Consent is written by groups/services/consent.py, with its history row.
    given = {key: values.pop(key) for key in CONSENT_KEYS if key in values}

    def write():
        with transaction.atomic():
            person = Person.objects.create(branch=branch, **values)
            _apply_memberships(person, rows, {})
            return person

    person = _save(write)
    _record_consent(person, given, actor=actor, at=now)
    people_version.bump(branch.pk)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PERSON_CREATE,
        obj=person,
        person_id=person.pk,
        summary=f"Added a person with {len(rows)} membership{'s' if len(rows) != 1 else ''}",
        changes={"memberships": len(rows), "categories": sorted({r["category"].slug for r in rows})},
        at=now,
    )
    return person


@transaction.atomic(durable=True)
def update_person(
    *,
    person: Person,
    actor,
    data: dict,
    memberships: Iterable[dict] | None = None,
    at: datetime | None = None,
) -> Person:
    """Change the keys present in `data` (others stay). memberships=None leaves
    them alone; a list is the full new set: dicts with an `id` keep and update
    that membership, dicts without one are created, the rest are deleted."""
    now = at or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    branch = person.branch
    errors = FieldErrors()
    values = _clean_person(branch, data, person=person, errors=errors)
    rows = None
    if memberships is not None:
        rows = _clean_memberships(branch, list(memberships), person=person, errors=errors)
    errors.raise_if_any()
    given = {key: values.pop(key) for key in CONSENT_KEYS if key in values}
    changes = audit.diff(person, values)
    changes.update(audit.diff(person, given))

    def write():
        with transaction.atomic():
            for field, value in values.items():
                setattr(person, field, value)
            if changes:
                person.save()
            if rows is not None:
                _apply_memberships(person, rows, changes)

    _save(write)
    _record_consent(person, given, actor=actor, at=now)
    if changes:
        people_version.bump(branch.pk)
        audit.record(
            actor=actor,
            branch=branch,
            action=AuditAction.PERSON_UPDATE,
            obj=person,
            person_id=person.pk,
            summary=f"Changed a person’s {', '.join(sorted(_summary_fields(changes)))}",
            changes=changes,
            at=now,
        )
    return person


def _summary_fields(changes: dict) -> set[str]:
    """The changed fields in words for the audit sentence ("email, first name, memberships")."""
    return {
        "memberships" if k.startswith("memberships.") else _field_words(k) for k in changes if not k.endswith("_at")
    }


def _field_words(name: str) -> str:
    if name.startswith("consent_"):
        return f"consent to {name.removeprefix('consent_')}"
    try:
        return str(Person._meta.get_field(name).verbose_name).lower()
    except FieldDoesNotExist:
        return name.replace("_", " ")


@transaction.atomic(durable=True)
def delete_person(*, person: Person, actor, at: datetime | None = None) -> None:
    """Delete a person and their memberships. The audit event keeps the id and
    counts only: the point of deleting is that the values go."""
    branch = person.branch
    pk = person.pk
    came = person.attendances.count()
    if came:
        meetings = "meeting" if came == 1 else "meetings"
        raise Conflict(
            f"This person was checked in at {came} {meetings}, and attendance records stay: they cannot be deleted.",
            code="person_has_attendance",
            meetings=came,
        )
    count = person.memberships.count()
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError:
        # A term of office, a point of order they raised, a speech: the meeting's
        # history keeps them. Erasure removes their personal data and keeps that.
        raise Conflict(
            "This person is named in records the branch keeps (a position held, a point of order raised, a "
            "request to speak): they cannot be deleted. To remove their personal data, erase them instead.",
            code="person_has_records",
        ) from None
    people_version.bump(branch.pk)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PERSON_DELETE,
        object_type="person",
        object_id=pk,
        person_id=pk,
        summary=f"Deleted a person and {count} membership{'s' if count != 1 else ''}",
        changes={"memberships": count},
        at=at,
    )


# --- bulk actions -----------------------------------------------------------


def _bulk_plan(*, branch: Branch, person_ids: Iterable[int], action: str, value: Any, today: date) -> dict:
    """What a bulk action would do, without doing it: the shared half of the
    confirmation page and the service. Raises InvalidInput for a bad request."""
    ids = _ids(person_ids)
    if not ids:
        raise InvalidInput("Select at least one person first.", code="nothing_selected", errors={})
    people = Person.objects.filter(branch=branch, pk__in=ids)
    memberships = Membership.objects.filter(branch=branch, person__in=people)
    if action == "set_status":
        if isinstance(value, dict):
            status, category = value.get("status"), value.get("category")
        else:
            status, category = value, None
        if status not in MembershipStatus.values:
            raise InvalidInput("Choose a status: active, lapsed, suspended or resigned.", code="bad_status")
        label = MembershipStatus(status).label.lower()
        if category not in (None, ""):
            cat = _category(branch, category, {c.slug: c for c in branch.categories.all()})
            if cat is None:
                raise InvalidInput(f"“{category}” is not a category of this branch.", code="bad_category")
            memberships = memberships.filter(category=cat)
            description = f"Set {cat.name} memberships to {label}"
            echo = {"status": status, "category": cat.slug}
        else:
            description = f"Set all their memberships to {label}"
            echo = {"status": status, "category": None}
        targets = memberships.exclude(status=status)
        return {
            "ids": ids,
            "people": sorted(set(targets.values_list("person_id", flat=True))),
            "targets": targets,
            "update": {"status": status},
            "description": description,
            "value": echo,
        }
    if action == "add_category":
        cat = _category(branch, value, {c.slug: c for c in branch.categories.all()})
        if cat is None:
            raise InvalidInput("Choose a category of this branch.", code="bad_category")
        have = set(memberships.filter(category=cat).values_list("person_id", flat=True))
        lacking = sorted(set(people.values_list("pk", flat=True)) - have)
        return {
            "ids": ids,
            "people": lacking,
            "category": cat,
            "description": f"Add a {cat.name} membership, started today, to those who lack one",
            "value": cat.slug,
        }
    if action == "set_dues_paid":
        try:
            paid = normalise.parse_date(value)
        except ValueError as exc:
            raise InvalidInput(f"{exc}.", code="bad_date") from None
        if paid is None:
            raise InvalidInput("Enter the date dues are paid until.", code="bad_date")
        targets = memberships.filter(status=MembershipStatus.ACTIVE).exclude(dues_paid_until=paid)
        return {
            "ids": ids,
            "people": sorted(set(targets.values_list("person_id", flat=True))),
            "targets": targets,
            "update": {"dues_paid_until": paid},
            "description": f"Set dues paid until {paid.day} {paid:%b %Y} on their active memberships",
            "value": paid,
        }
    raise InvalidInput("Choose what to do with the selected people.", code="bad_action")


def preview_bulk_update(*, branch: Branch, person_ids: Iterable[int], action: str, value: Any) -> dict:
    """For the confirmation page: {"selected": n, "changes": n, "description": str}."""
    plan = _bulk_plan(branch=branch, person_ids=person_ids, action=action, value=value, today=timezone.localdate())
    selected = len(plan["ids"])
    return {
        "selected": selected,
        "changes": len(plan["people"]),
        "unchanged": selected - len(plan["people"]),
        "description": plan["description"],
    }


@transaction.atomic(durable=True)
def bulk_update_people(
    *, branch: Branch, actor, person_ids: list[int], action: str, value: Any, at: datetime | None = None
) -> int:
    """One change to many people; returns how many people changed.

    - "set_status": value is a status (every membership of the selected people)
      or {"status": ..., "category": slug or Category} (only that category's).
    - "add_category": value is a Category or slug; those without any membership
      of it get one, active, started today.
    - "set_dues_paid": value is a date; sets dues_paid_until on their active
      memberships.
    """
    now = at or timezone.now()
    today = timezone.localdate(now)
    # Lock the selected people so a concurrent edit cannot interleave. Only the
    # branch's own people count as selected: ids of anyone else (another branch's,
    # or someone deleted since the preview) change nothing and are not audited.
    locked = Person.objects.select_for_update().filter(branch=branch, pk__in=_ids(person_ids))
    in_branch = list(locked.values_list("pk", flat=True))
    plan = _bulk_plan(branch=branch, person_ids=in_branch, action=action, value=value, today=today)
    changed = plan["people"]
    if action == "add_category":
        Membership.objects.bulk_create(
            Membership(person_id=pk, branch=branch, category=plan["category"], started_on=today) for pk in changed
        )
    elif changed:
        Membership.objects.filter(pk__in=list(plan["targets"].values_list("pk", flat=True))).update(**plan["update"])
    member_since.refresh(changed)
    if changed:
        people_version.bump(branch.pk)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PERSON_BULK_UPDATE,
        summary=f"{plan['description']}: {len(changed)} of {len(plan['ids'])} selected people changed",
        changes={"action": action, "value": plan["value"], "selected": len(plan["ids"]), "changed": len(changed)},
        at=now,
    )
    return len(changed)


def _ids(person_ids: Iterable) -> list[int]:
    """The selected people's ids, in order; what is not an id (tampered with,
    or beyond any row) selects no one."""
    return sorted({pk for value in person_ids if (pk := as_id(value))})


__all__ = [
    "BULK_ACTIONS",
    "MEMBERSHIP_FIELDS",
    "create_person",
    "update_person",
    "delete_person",
    "bulk_update_people",
    "preview_bulk_update",
]
