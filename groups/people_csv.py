"""People as CSV rows, one per membership (a person without one gets one row),
under plain headings and with category names and statuses in words, all of
which the import reads back (CONTRACT.md §3). Every cell goes through
normalise.spreadsheet_safe."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from . import normalise
from .models import Membership, Person

# Plain words, as in the attendance and reports exports. Each is one the
# import recognises (imports/mapping.py), so an export can be imported again.
COLUMNS = [
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Postcode",
    "Ward",
    "Date of birth",
    "Membership category",
    "Membership number",
    "Membership status",
    "Joined on",
    "Continuous membership since",
    "Dues paid until",
    "Notes",
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
            m.category.name,
            m.number,
            m.get_status_display(),
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
