"""The parts of the people search's statements that the general search
(groups/sql/people.py) and PostgreSQL's name walk (people_walk.py) both
build on: the orders a page may take, the columns a found row carries, a word
of letters' ways of matching on PostgreSQL and their count from the indexes,
the erased left out. Its own module so that neither imports the other."""

from __future__ import annotations

from functools import cache

from ..models import Person
from . import people_terms as terms
from .core import Table

p = Table(Person, "p")


# The ORM's orders for groups.filters.sort_people, column for column, so a
# page here is the page the ORM gives (tests/people/test_people_read_path.py).
# "+": NULLS LAST.
ORDERS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "joined": ("member_since+", "last_name", "first_name", "id"),
    "-joined": ("-member_since+", "last_name", "first_name", "id"),
}


def order_by(sort: str, alias: str) -> str:
    out = []
    for key in ORDERS[sort]:
        name = key.strip("-+")
        text = f'{alias}."{Person._meta.get_field(name).column}" {"DESC" if key.startswith("-") else "ASC"}'
        out.append(text + (" NULLS LAST" if key.endswith("+") else ""))
    return ", ".join(out)


def sort_columns(sort: str) -> tuple[str, ...]:
    """What a found row carries besides its id: what the order reads. Only
    names for the name orders, which (branch, last name, first name) indexes
    then answer alone, without reading the people's rows."""
    return ("last_name", "first_name", "member_since") if "joined" in sort else ("last_name", "first_name")


@cache
def pg_ways(sort: str, ranged: bool) -> tuple[str, str, str, str]:
    """PostgreSQL, a word of letters: (select, by last name, by first name
    and not last, by email, postcode or number and neither name) — the
    conditions after select's WHERE, each answered from an index alone: the
    names from the covering name indexes (a common prefix finds thousands
    by last name: "Nowa" 3,839 at 100,000 people), email and postcode as ids
    from theirs (migration 0032), the number's from the memberships; erased
    people left out by the caller. `ranged`: the prefixes as index ranges
    (people_terms.upper_range), so the prepared statement's generic plan
    uses the indexes and PostgreSQL stops planning it on every run."""
    first, last, email, postcode = terms.matches("postgresql")
    number = f"{p.id} = ANY(ARRAY({terms.number_ids()}))"
    neither = f"NOT {first} AND NOT {last}"
    if not ranged:
        # Planned on every run anyway: one scan, a BitmapOr of the three.
        others = f"{p.erased_at} IS NULL AND ({email} OR {postcode} OR {number}) AND {neither}"
        return terms.select(sort_columns(sort)), last, f"{first} AND NOT {last}", others
    q = Table(Person, "q")
    ids = " UNION ALL ".join(
        [
            f"SELECT {q.id} FROM {q} WHERE {q.branch} = %(branch)s AND {terms.upper_range(getattr(q, c))}"
            for c in ("email", "postcode")
        ]
        + [terms.number_ids()]
    )
    # The ids in an array: one condition on the primary key, which the
    # generic plan estimates as a few rows (a bitmap of the email and
    # postcode ranges it would cost as 1,000 rows read from the table).
    others = f"{p.erased_at} IS NULL AND {p.id} = ANY(ARRAY({ids})) AND {neither}"
    by_first, by_last = terms.upper_range(p.first_name), terms.upper_range(p.last_name)
    return terms.select(sort_columns(sort)), by_last, f"{by_first} AND NOT {last}", others


@cache
def pg_letters_count(ranged: bool) -> str:
    """How many a word of letters finds on PostgreSQL, each way counted from
    its index alone (the names' from the covering name indexes), less the
    erased among those found by name: no match gathered, where counting the
    gathered matches held "Nowa"'s 3,839 in a temporary table."""
    _, *ways = pg_ways("name", ranged)
    named = " OR ".join(terms.matches("postgresql")[:2])
    counts = " + ".join(f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %(branch)s AND {way})" for way in ways)
    erased = f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %(branch)s AND {p.erased_at} IS NOT NULL AND ({named}))"
    return f"{counts} - {erased}"


def living(found: str) -> str:
    # Erased people (tombstones) through the small partial index person_erased,
    # so the ways of matching need not read each person's row to test erased_at.
    return f'SELECT * FROM ({found}) f WHERE f."{Person._meta.pk.column}" NOT IN ({terms.erased()})'
