"""The one fact loader: the facts the engine decides on, read from the
database for one person or many, by every caller (the door, the check-in,
invitations, reports, rule pages, the API, My meetings).

``load_facts`` takes explicit options:

- ``history``: with attendance history (check-ins and the branch's meetings),
  or without — enough for every rule that has no ``attended`` condition
  (``needs_history`` says which);
- ``names``: return the branch's category names (slug → name) read in the
  same round trip as the memberships, for reasons that name a category the
  person does not hold. Nothing is cached on the branch;
- ``declared``: with the person's self-declared attributes and their terms
  in the branch's positions (two more queries), for rules with an
  ``attribute`` or ``office`` condition (``needs_declared`` says which);
- ``here_at``: also return who of these people is checked in at a meeting
  (the door's cards).

Without history, for people already read, everything is one hand-written
statement (groups/sql/door.py: it runs on every door keystroke). Otherwise the
ORM reads memberships (with the names), check-ins and meetings: three queries
whatever the number of people. Every path turns membership rows into facts
through ``facts_from_rows``, so a person's memberships are in one order
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, DateField, IntegerField, QuerySet, Value

from ..models import (
    Attendance,
    Branch,
    Category,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    PositionHolder,
    Rule,
    SelfDeclaredAttribute,
)
from ..sql import door as statements
from .engine import MeetingFacts, MembershipFacts, OfficeFacts, PersonFacts, uses_attended, uses_declared

# A membership row, as every path reads it: (category order, started_on, id,
# category slug, category name, status, continuous_since, ended_on,
# dues_paid_until), dates typed.
MEMBERSHIP_ROW = (
    "category__order",
    "started_on",
    "id",
    "category__slug",
    "category__name",
    "status",
    "continuous_since",
    "ended_on",
    "dues_paid_until",
)


@dataclass(frozen=True)
class Loaded:
    facts: dict[int, PersonFacts]
    # The branch's category slug → name, in category order; None unless asked for.
    names: dict[str, str] | None = None
    # Live check-ins at ``here_at`` by person id (only with ``here_at``).
    here: dict[int, Attendance] = field(default_factory=dict)


def needs_history(*rules: Rule | dict | None) -> bool:
    """Whether deciding with any of these rules (or definitions) looks at attendance history."""
    return any(uses_attended(r.definition if isinstance(r, Rule) else r) for r in rules if r is not None)


def needs_declared(*rules: Rule | dict | None) -> bool:
    """Whether deciding with any of these rules looks at declared attributes or positions held."""
    return any(uses_declared(r.definition if isinstance(r, Rule) else r) for r in rules if r is not None)


def _declared_facts(wanted, branch: Branch, pks) -> tuple[dict, dict]:
    """(person id → frozenset of (key, value), person id → tuple of OfficeFacts): two queries."""
    declared: dict[int, set] = {pk: set() for pk in pks}
    for person_id, key, value in (
        SelfDeclaredAttribute.objects.filter(person_id__in=wanted, definition__branch=branch)
        .order_by()
        .values_list("person_id", "definition__key", "value")
    ):
        declared[person_id].add((key, value))
    offices: dict[int, list] = {pk: [] for pk in pks}
    for person_id, slug, name, started_on, ended_on in (
        PositionHolder.objects.filter(person_id__in=wanted, position__branch=branch)
        .order_by("started_on", "id")
        .values_list("person_id", "position__slug", "position__name", "started_on", "ended_on")
    ):
        offices[person_id].append(OfficeFacts(slug=slug, name=name, started_on=started_on, ended_on=ended_on))
    return {pk: frozenset(v) for pk, v in declared.items()}, {pk: tuple(v) for pk, v in offices.items()}


def with_declared(facts: PersonFacts, declared: frozenset, offices: tuple) -> PersonFacts:
    return replace(facts, declared=declared, offices=offices)


def category_names(branch: Branch | int) -> dict[str, str]:
    """The branch's category slug → name, in category order (one query)."""
    return dict(Category.objects.filter(branch=branch).order_by("order", "name").values_list("slug", "name"))


def facts_from_rows(
    person, rows: Iterable[tuple], *, attended: frozenset[int] = frozenset(), meetings: tuple[MeetingFacts, ...] = ()
) -> PersonFacts:
    """A person's facts from their membership rows (any order) and, with
    history, the meetings they went to and the branch's meetings. `person` is
    a Person or anything with date_of_birth, ward and postcode."""
    held = sorted(rows, key=lambda r: (r[0], r[1] is None, r[1] or date.min, r[2]))
    return PersonFacts(
        memberships=tuple(
            MembershipFacts(
                category_slug=slug,
                category_name=name,
                status=status,
                started_on=started_on,
                continuous_since=since,
                ended_on=ended_on,
                dues_paid_until=paid,
            )
            for _, started_on, _, slug, name, status, since, ended_on, paid in held
        ),
        date_of_birth=person.date_of_birth,
        ward=person.ward,
        postcode=person.postcode,
        attended=attended,
        branch_meetings=meetings,
    )


def branch_meeting_facts(branch: Branch, *, before: date | None = None) -> list[MeetingFacts]:
    """The branch's meetings as MeetingFacts (local start date where the branch
    meets), in one query. With ``before``, only meetings that might have
    started (local date) before that date are fetched."""
    tz = branch.zone
    qs = Meeting.objects.filter(branch=branch).order_by()
    # A generous bound in UTC; the exact local-date test happens in Python. The
    # calendar's last days have no day after them (nor a UTC twin): no bound then.
    if before is not None and before < date.max - timedelta(days=2):
        qs = qs.filter(starts_at__lt=datetime.combine(before + timedelta(days=1), time.min, tzinfo=tz))
    return [
        MeetingFacts(id=pk, starts_on=at.astimezone(tz).date(), cancelled=status == MeetingStatus.CANCELLED)
        for pk, at, status in qs.values_list("id", "starts_at", "status")
    ]


class _Person:
    """A person read as a row (a queryset or ids passed in): what facts need."""

    __slots__ = ("pk", "date_of_birth", "ward", "postcode")

    def __init__(self, pk, date_of_birth, ward, postcode) -> None:
        self.pk, self.date_of_birth, self.ward, self.postcode = pk, date_of_birth, ward, postcode


_PERSON_FACTS = ("id", "date_of_birth", "ward", "postcode")


def _category_rows(branch: Branch) -> QuerySet:
    """The branch's categories shaped like membership rows (then a person id), membership fields empty."""
    date_null, int_null, text_null = (Value(None, output_field=f) for f in (DateField(), IntegerField(), CharField()))
    return (
        Category.objects.filter(branch=branch)
        .order_by()
        .values_list("order", date_null, int_null, "slug", "name", text_null, date_null, date_null, date_null, int_null)
    )


def load_facts(
    people: QuerySet | Sequence,
    *,
    branch: Branch,
    as_of: date | None = None,
    history: bool = True,
    names: bool = False,
    here_at: Meeting | None = None,
    declared: bool = False,
) -> Loaded:
    """PersonFacts for these people of the branch, by person id.

    ``people`` is a queryset of Person (read in one query; the rest is read
    with it as a subquery, never as a list of 100,000 ids), people already
    read (Person objects: no query for them), or ids (one query; ids outside
    the branch are left out). ``as_of`` limits the meetings read to those
    that may have started before it. See the module docstring for
    ``history``, ``names`` and ``here_at``."""
    if isinstance(people, QuerySet):
        persons = [_Person(*row) for row in people.values_list(*_PERSON_FACTS)]
        wanted = people.values("pk")
    else:
        persons = list(people)
        if persons and not isinstance(persons[0], Person):
            found = Person.objects.filter(branch=branch, pk__in=persons).values_list(*_PERSON_FACTS)
            persons = [_Person(*row) for row in found]
        wanted = [p.pk for p in persons]
    if not persons:
        return Loaded({}, {} if names else None)  # nobody to decide for: no names needed
    if not history and not isinstance(wanted, QuerySet):
        # The door's path: memberships, the branch's category names and who is here, in one statement.
        rows, categories, here = statements.memberships_with_names(
            wanted, branch_id=branch.pk, meeting_id=here_at.pk if here_at is not None else None
        )
        facts = {p.pk: facts_from_rows(p, rows[p.pk]) for p in persons}
        if declared:
            facts = _add_declared(facts, wanted, branch)
        return Loaded(facts, {slug: name for _, name, slug in sorted(categories)} if names else None, here)
    rows = {p.pk: [] for p in persons}
    read = Membership.objects.filter(person_id__in=wanted).order_by().values_list(*MEMBERSHIP_ROW, "person_id")
    names_read = None
    if names:
        # UNION ALL the branch's categories (rows without a membership id): each half
        # answered by its own index, in one round trip.
        read = list(read.union(_category_rows(branch), all=True))
        categories = sorted((r[0], r[4], r[3]) for r in read if r[2] is None)
        names_read = {slug: name for _, name, slug in categories}
    for row in read:
        if row[2] is not None:
            rows[row[9]].append(row[:9])
    went: dict[int, set[int]] = {p.pk: set() for p in persons}
    meetings: tuple[MeetingFacts, ...] = ()
    if history:
        for person_id, meeting_id in (
            Attendance.objects.filter(person_id__in=wanted, undone_at__isnull=True, meeting__branch=branch)
            .order_by()
            .values_list("person_id", "meeting_id")
        ):
            went[person_id].add(meeting_id)
        meetings = tuple(branch_meeting_facts(branch, before=as_of))
    here = {}
    if here_at is not None:
        here = {
            a.person_id: a
            for a in Attendance.objects.filter(meeting=here_at, person_id__in=wanted, undone_at__isnull=True)
        }
    facts = {p.pk: facts_from_rows(p, rows[p.pk], attended=frozenset(went[p.pk]), meetings=meetings) for p in persons}
    if declared:
        facts = _add_declared(facts, wanted, branch)
    return Loaded(facts, names_read, here)


def _add_declared(facts: dict[int, PersonFacts], wanted, branch: Branch) -> dict[int, PersonFacts]:
    attributes, offices = _declared_facts(wanted, branch, facts.keys())
    return {pk: with_declared(f, attributes[pk], offices[pk]) for pk, f in facts.items()}
