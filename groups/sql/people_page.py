"""A short one-word people search's page read along the name index, its
count from an index (groups/sql/people.py page_ids uses it).

The general statement (people.py _found) gathers every match into a
temporary table, counts it and sorts it all for the page: for "Nowa" at
100,000 people (3,839 matches, nearly all by last name) 1.8 ms of SQLite's
time, most of the API search. Here the ways of matching split:

- **by last name** — nearly all of a short prefix's matches — the page's
  rows are read along the case-sensitive (branch, last_name, first_name)
  index in the page's order, no further than the page: a case-insensitive
  prefix is a few exact ones ("Nowa": NOWA, NOWa, … nowa), each a range of
  that index read with LIMIT; they are counted on the case-insensitive
  (branch, last name) index alone, less the erased among them (read from
  the small partial index person_erased).
- **by first name, email, postcode or number**, each leaving out whom an
  earlier way found: gathered, counted and sorted as before.

Only where that is exact and pays: SQLite (a range of its BINARY index is
exactly "starts with", and its LIKE and NOCASE fold ASCII letters only), a
word of at most five ASCII letters (MAX_VARIANTS forms), sorted by name,
pages within MAX_ROWS; anything else takes the general statement. Each range
costs ~0.01 ms even when empty, so a longer word (few matches) is cheaper
the general way: "Nowa" 1.8 → 0.5 ms, "Nowak" 1.6 → 0.5 ms, a 4-letter word
matching nobody 0.06 → 0.24 ms (SQLite's time, 100,000 people).
Not on PostgreSQL (its walk is people_walk.py, one LATERAL scan over the
ranges): there 16 ranges written out took 2.9 ms to plan, more than they
saved (3.2 ms against 3.0 ms for "Nowa" at 100,000 people, wall clock).
tests/people/test_people_read_path.py holds both equal to the ORM's."""

from __future__ import annotations

from functools import cache
from itertools import product

from django.db import connection

from ..models import Person
from . import people_terms as terms
from .core import Table, fetch

MAX_VARIANTS = 32  # 5 letters; longer words take the general statement
MAX_ROWS = 1000  # offset + limit: deeper pages take the general statement


def _variants(word: str) -> list[str] | None:
    """The exact prefixes the case-insensitive prefix `word` is ("Nowa" →
    NOWA, NOWa, … nowa); None for anything but a few ASCII letters: digits,
    a longer word or other characters take the general statement (their
    matches are few, and a range per form would not pay)."""
    if not word or not word.isascii() or not word.isalpha():
        return None
    choices, count = [], 1
    for ch in word:
        forms = sorted({ch.lower(), ch.upper()})
        count *= len(forms)
        if count > MAX_VARIANTS:
            return None
        choices.append(forms)
    return ["".join(p) for p in product(*choices)]


def _after(prefix: str) -> str:
    """The least text above every text starting with `prefix` (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@cache
def _statement(n_variants: int, descending: bool) -> str:
    p = Table(Person, "p")
    first, last, email, postcode = terms.matches("sqlite", ranged=True)
    number = f"{p.id} IN ({terms.number_ids()})"
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{{0}}.{c} {direction}" for c in ('"last_name"', '"first_name"', '"id"'))
    select = terms.select(("last_name", "first_name")) + f" AND {p.id} NOT IN ({terms.erased()})"
    # Whom the other ways find (first name, email, postcode, number), each
    # leaving out whom the last name or an earlier way found: gathered once
    # for the page and the count, as in people.py _found.
    others, earlier = [], [last]
    for way in (first, email, postcode, number):
        others.append(f"{select} AND {way}" + "".join(f" AND NOT {e}" for e in earlier))
        earlier.append(way)
    # Whom the last name finds: each exact prefix a range of the (branch,
    # last_name, first_name) index, read in the page's order, %(n)s rows.
    walk = terms.select(("last_name", "first_name")) + f" AND {p.erased_at} IS NULL"
    by_last = [
        f"SELECT * FROM ({walk} AND {p.last_name} >= %(v{i})s AND {p.last_name} < %(a{i})s"
        f" ORDER BY {order.format('p')} LIMIT %(n)s) v{i}"
        for i in range(n_variants)
    ]
    # How many the last name finds, from the case-insensitive (branch, last
    # name) index alone, less the erased among them (the partial index
    # person_erased).
    last_count = (
        f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %(branch)s AND {last})"
        f" - (SELECT COUNT(*) FROM {p} WHERE {p.id} IN ({terms.erased()}) AND {last})"
    )
    return (
        # MATERIALIZED: else SQLite merges the walks as sorted streams, 7×
        # slower here than sorting the few hundred rows they give.
        f"WITH others AS MATERIALIZED ({' UNION ALL '.join(others)}),"
        f" by_last AS MATERIALIZED ({' UNION ALL '.join(by_last)})"
        f' SELECT f."{Person._meta.pk.column}", {last_count} + (SELECT COUNT(*) FROM others)'
        # The others' first rows only (a sort that keeps %(n)s rows), then all of them sorted.
        f" FROM (SELECT * FROM by_last UNION ALL SELECT * FROM (SELECT * FROM others o ORDER BY {order.format('o')}"
        " LIMIT %(n)s) o) f"
        f" ORDER BY {order.format('f')} LIMIT %(limit)s OFFSET %(offset)s"
    )


def page_ids(branch_id: int, word: str, *, sort: str, offset: int, limit: int) -> tuple[list[int], int | None] | None:
    """One word's page of ids in `sort` ("name" or "-name") and how many it
    finds, as people.page_ids gives them; None when this way does not apply."""
    if connection.vendor != "sqlite" or sort not in ("name", "-name") or offset + limit > MAX_ROWS:
        return None
    variants = _variants(word)
    if variants is None:
        return None
    # A word of letters always has a NOCASE range.
    params = {**terms.word_params(branch_id, word, ranged=True), "n": offset + limit, "limit": limit, "offset": offset}
    for i, v in enumerate(variants):
        params[f"v{i}"], params[f"a{i}"] = v, _after(v)
    rows = fetch(_statement(len(variants), sort == "-name"), params)
    if not rows:
        return [], None
    return [row[0] for row in rows], int(rows[0][1])
