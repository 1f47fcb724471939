"""The API people list's records as JSON text written by the database, as
PersonSerializer and DRF's JSONRenderer write them (groups/api/renderers.py
puts the text into the response as it is).

Reading the page's people as rows, making a dict of each (and of each
membership) and rendering the dicts to JSON was ~0.7 ms of CPU for a page of
50 at 100,000 people on SQLite, a fifth of the API's search by name
(bench/people_list.py); the database writes the same text in ~0.3 ms. One row
per membership, in the page's order of memberships (category, start, id), a
person without any on one row whose membership is NULL; each row carries the
person's record and the membership's as JSON objects, which Python joins.

The same bytes as the serializer's, field for field: SQLite's json_object and
PostgreSQL's row_to_json write compact JSON (no spaces), strings escaped as
Python's json module escapes them with ensure_ascii off (", \\, \\b \\f \\n
\\r \\t, other control characters as \\u00xx, everything else as it is), dates
as ISO 8601, booleans as true/false, NULL as null; the renderer escapes
U+2028 and U+2029 as DRF's does. tests/people/test_people_json_bytes.py holds
the response byte for byte equal to the serializer's."""

from __future__ import annotations

from functools import cache

from django.db import connection, models

from ..models import Category, Membership, Person
from .core import Table, fetch, placeholders

# A membership as MembershipSerializer writes it (CONTRACT §4), the category as its slug.
MEMBERSHIP_FIELDS = (
    "id",
    "category",
    "number",
    "status",
    *("started_on", "continuous_since", "ended_on", "dues_paid_until"),
)
# The fields whose column the database writes as the serializer does: ids
# as numbers, text as strings, dates (not date-times) as ISO 8601, booleans.
WRITTEN_AS_IS = (models.AutoField, models.CharField, models.TextField, models.DateField, models.BooleanField)


def _value(model, table: Table, name: str, vendor: str) -> str:
    """The column as the JSON value the serializer writes for it."""
    if model is Membership and name == "category":
        return Table(Category, "c").slug
    field = model._meta.get_field(name)
    column = getattr(table, name)
    if isinstance(field, models.DateTimeField) or not isinstance(field, WRITTEN_AS_IS):
        raise ValueError(f"{model.__name__}.{name}: not a field the people list writes")
    if isinstance(field, models.BooleanField) and vendor == "sqlite":
        # Stored as 0 / 1: json('true') is a JSON value to json_object, not text.
        return f"CASE {column} WHEN 1 THEN json('true') WHEN 0 THEN json('false') END"
    return column


def _object(model, table: Table, names: tuple[str, ...], vendor: str) -> str:
    values = [(name, _value(model, table, name, vendor)) for name in names]
    if vendor == "sqlite":
        return "json_object(" + ", ".join(f"'{name}', {value}" for name, value in values) + ")"
    # row_to_json of a row whose columns are named as the keys (a column
    # keeps its own name): compact, in this order (json_build_object writes
    # " : " and ", ").
    inner = ", ".join(value if value.endswith(f'."{name}"') else f'{value} AS "{name}"' for name, value in values)
    return f"row_to_json((SELECT r FROM (SELECT {inner}) r))::text"


@cache
def records(vendor: str, person_fields: tuple[str, ...]) -> tuple[str, str, str]:
    """(a SELECT list, the joins after FROM the person p, the memberships'
    order) giving a row per membership of p: p's id, p's record without its
    memberships and the membership's (NULL for a person without any), as
    JSON text. Also the end of PostgreSQL's name walk (people_walk.py), which
    reads the page and its records in one statement."""
    p, m, c = Table(Person, "p"), Table(Membership, "m"), Table(Category, "c")
    person = _object(Person, p, ("id", *person_fields), vendor)
    membership = _object(Membership, m, MEMBERSHIP_FIELDS, vendor)
    return (
        f"{p.id}, {person}, CASE WHEN {m.id} IS NULL THEN NULL ELSE {membership} END",
        f"LEFT OUTER JOIN {m} ON {m.person} = {p.id} LEFT OUTER JOIN {c} ON {c.id} = {m.category}",
        f"{c.order}, {m.started_on}, {m.id}",
    )


@cache
def _statement(vendor: str, person_fields: tuple[str, ...], n: int | None) -> str:
    """n: how many ids, each a parameter; None (PostgreSQL): one array (psycopg
    parses a statement of over 50 parameters again on every run)."""
    p = Table(Person, "p")
    select, joins, order = records(vendor, person_fields)
    ids = "= ANY(%s)" if n is None else f"IN ({placeholders(n)})"
    return f"SELECT {select} FROM {p} {joins} WHERE {p.branch} = %s AND {p.id} {ids} ORDER BY {order}"


def person_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    """The serializer's fields but id (first) and memberships (last)."""
    if fields[0] != "id" or fields[-1] != "memberships" or "memberships" in fields[1:-1]:
        raise ValueError("the people list writes id first and memberships last")
    return tuple(fields[1:-1])


def people_json(branch_id: int, ids: list[int], fields: tuple[str, ...]) -> tuple[str, int]:
    """These people of the branch (in this order; one not found is left out)
    as the JSON array PersonSerializer(many=True) renders, and how many:
    `fields` are its fields, "id" first and "memberships" last."""
    if not ids:
        return "[]", 0
    own = person_fields(fields)
    vendor = connection.vendor
    if vendor == "postgresql":
        rows = fetch(_statement(vendor, own, None), [branch_id, list(ids)])
    else:
        rows = fetch(_statement(vendor, own, len(ids)), [branch_id, *ids])
    return joined(rows, ids)


def joined(rows, ids: list[int] | None = None) -> tuple[str, int]:
    """The JSON array of the records in `rows` (`records`' columns, first),
    in the order of `ids` (those not in rows left out), or of the rows."""
    people: dict[int, str] = {}
    memberships: dict[int, list[str]] = {}
    for pk, person, membership, *_ in rows:
        if pk not in people:
            people[pk], memberships[pk] = person, []
        if membership is not None:
            memberships[pk].append(membership)
    # Each record's closing brace gives way to its memberships, the serializer's last key.
    order = people if ids is None else (pk for pk in ids if pk in people)
    written = [f'{people[pk][:-1]},"memberships":[{",".join(memberships[pk])}]}}' for pk in order]
    return f"[{','.join(written)}]", len(written)
