"""People as CSV rows, in CONTRACT.md §3's column names so an export can be
imported again: one row per membership (a person without one gets one row).
Every cell goes through normalise.spreadsheet_safe."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from . import normalise
from .models import Membership, Person

COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "ward",
    "date_of_birth",
    "category",
    "membership_number",
    "status",
    "joined",
    "continuous_since",
    "dues_paid_until",
    "notes",
]


def _date(value) -> str:
    return value.isoformat() if value else ""


def person_rows(person: Person) -> Iterator[list[str]]:
    base = [
        person.first_name,
        person.last_name,
        person.email,
        # National format: an E.164 "+44…" would start with "+" and be escaped.
        normalise.phone_display(person.phone),
        person.postcode,
        person.ward,
        _date(person.date_of_birth),
    ]
    memberships = list(person.memberships.all())
    if not memberships:
        yield [normalise.spreadsheet_safe(v) for v in [*base, "", "", "", "", "", "", person.notes]]
        return
    for m in memberships:
        row = [
            *base,
            m.category.slug,
            m.number,
            m.status,
            _date(m.started_on),
            _date(m.continuous_since),
            _date(m.dues_paid_until),
            person.notes,
        ]
        yield [normalise.spreadsheet_safe(v) for v in row]


def with_memberships(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("category").order_by("category__order", "started_on", "id"),
        )
    )


def count_rows(people: QuerySet[Person]) -> tuple[int, int]:
    """(rows, people) an export of this queryset writes."""
    ids = people.order_by().values("pk")
    memberships = Membership.objects.filter(person__in=ids).count()
    count = people.count()
    without = people.filter(~Exists(Membership.objects.filter(person=OuterRef("pk")))).count()
    return memberships + without, count


class _Echo:
    def write(self, value):
        return value


def stream(people: Iterable[Person]) -> Iterator[str]:
    """CSV text, a line at a time (the response streams; memory stays flat)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)  # BOM: spreadsheets then read UTF-8 correctly
    for person in people:
        for row in person_rows(person):
            yield writer.writerow(row)
