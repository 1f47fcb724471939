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

Only where that is exact and pays: a word of ASCII letters with at most
MAX_VARIANTS exact forms (SQLite's LIKE folds ASCII only; PostgreSQL's
UPPER under C.UTF-8 also folds "ſ" to S and "ı" to I, which are added), on
PostgreSQL only under collation C or C.UTF-8, where a range of the index is
exactly "starts with"; sorted by name; pages within MAX_ROWS. Anything else
takes the general statement. Each range costs SQLite ~0.02 ms to plan, so
for a longer word, whose matches are few, the general statement is cheaper.
tests/people/test_people_read_path.py holds both equal to the ORM's."""

from __future__ import annotations

from functools import cache
from itertools import product

from django.db import connection

from ..models import Membership, Person
from .core import Table, fetch

MAX_VARIANTS = 16  # 4 letters (PostgreSQL: fewer with s or i); longer words take the general statement
MAX_ROWS = 1000  # offset + limit: deeper pages take the general statement
_PLAIN = ("C", "POSIX")
_SETTINGS: dict[str, tuple[bool, bool]] = {}


def _database() -> tuple[bool, bool] | None:
    """(whether ORDER BY text is code-point order, as a range of a plain
    index then is; whether UPPER folds "ſ" to S and "ı" to I), or None when
    this way cannot be exact. SQLite: BINARY order, LIKE folds ASCII only.
    PostgreSQL: only with collation C or C.UTF-8 and character type C
    (ASCII folding) or C.UTF-8 (ſ and ı fold too); read once per database."""
    if connection.vendor == "sqlite":
        return True, False
    if connection.vendor != "postgresql":
        return None
    key = connection.settings_dict["NAME"]
    if key not in _SETTINGS:
        collate, ctype = fetch("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()")[0]
        _SETTINGS[key] = (collate.split(".")[0] in _PLAIN and ctype.split(".")[0] in _PLAIN, ctype not in _PLAIN)
    return _SETTINGS[key] if _SETTINGS[key][0] else None


def _variants(word: str, extra_folds: bool) -> list[str] | None:
    """The exact prefixes the case-insensitive prefix `word` is ("Nowa" →
    NOWA, NOWa, … nowa); None for anything but a few ASCII letters: digits,
    a longer word or other characters take the general statement (their
    matches are few, and a range per form would not pay)."""
    if not word or not word.isascii() or not word.isalpha():
        return None
    choices, count = [], 1
    for ch in word:
        forms = {ch.lower(), ch.upper()}
        if extra_folds and ch.lower() in "si":
            forms.add("ſ" if ch.lower() == "s" else "ı")
        count *= len(forms)
        if count > MAX_VARIANTS:
            return None
        choices.append(sorted(forms))
    return ["".join(p) for p in product(*choices)]


def _after(prefix: str) -> str:
    """The least text above every text starting with `prefix` (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@cache
def _statement(vendor: str, n_variants: int, descending: bool) -> str:
    p, m = Table(Person, "p"), Table(Membership, "m")
    like = "UPPER({}::text) LIKE UPPER(%s)" if vendor == "postgresql" else "{} LIKE %s ESCAPE '\\'"
    first, last, email, postcode = (
        like.format(getattr(p, c)) for c in ("first_name", "last_name", "email", "postcode")
    )
    number = f"{p.id} IN (SELECT {m.person} FROM {m} WHERE {m.branch} = %s AND {m.number} IN (%s, %s))"
    erased = f"SELECT {p.id} FROM {p} WHERE {p.branch} = %s AND {p.erased_at} IS NOT NULL"
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{{0}}.{c} {direction}" for c in ('"last_name"', '"first_name"', '"id"'))
    select = f"SELECT {p.id}, {p.last_name}, {p.first_name} FROM {p} WHERE {p.branch} = %s AND {p.id} NOT IN ({erased})"
    # Whom the other ways find (first name, email, postcode, number), each
    # leaving out whom the last name or an earlier way found: gathered once
    # for the page and the count, as in people.py _found.
    others, earlier = [], [last]
    for match in (first, email, postcode, number):
        others.append(f"{select} AND {match}" + "".join(f" AND NOT {e}" for e in earlier))
        earlier.append(match)
    # Whom the last name finds: each exact prefix a range of the (branch,
    # last_name, first_name) index, read in the page's order, LIMIT rows.
    rng = f"{p.last_name} >= %s AND {p.last_name} < %s"
    walk = f"SELECT {p.id}, {p.last_name}, {p.first_name} FROM {p} WHERE {p.branch} = %s AND {p.erased_at} IS NULL"
    by_last = [
        f"SELECT * FROM ({walk} AND {rng} ORDER BY {order.format('p')} LIMIT %s) v{i}" for i in range(n_variants)
    ]
    # How many the last name finds, from the case-insensitive (branch, last
    # name) index alone, less the erased among them (the partial index
    # person_erased).
    last_count = (
        f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %s AND {last})"
        f" - (SELECT COUNT(*) FROM {p} WHERE {p.id} IN ({erased}) AND {last})"
    )
    return (
        # MATERIALIZED: else SQLite merges the walks as sorted streams, 7×
        # slower here than sorting the few hundred rows they give.
        f"WITH others AS MATERIALIZED ({' UNION ALL '.join(others)}),"
        f" by_last AS MATERIALIZED ({' UNION ALL '.join(by_last)})"
        f' SELECT f."{Person._meta.pk.column}", {last_count} + (SELECT COUNT(*) FROM others)'
        # The others' first rows only (a sort that keeps LIMIT rows), then all of them sorted.
        f" FROM (SELECT * FROM by_last UNION ALL SELECT * FROM (SELECT * FROM others o ORDER BY {order.format('o')}"
        " LIMIT %s) o) f"
        f" ORDER BY {order.format('f')} LIMIT %s OFFSET %s"
    )


def page_ids(
    branch_id: int, word: str, *, sort: str, offset: int, limit: int, prefix
) -> tuple[list[int], int | None] | None:
    """One word's page of ids in `sort` ("name" or "-name") and how many it
    finds, as people.page_ids gives them; None when this way does not apply.
    `prefix`: a word's LIKE pattern (people._prefix)."""
    if sort not in ("name", "-name") or offset + limit > MAX_ROWS:
        return None
    database = _database()
    variants = None if database is None else _variants(word, extra_folds=database[1])
    if variants is None:
        return None
    n = offset + limit
    pattern = prefix(word)
    number = [branch_id, word, word.upper()]
    # others: first name, email, postcode, number, each leaving out the ways before it
    params: list = [branch_id, branch_id, pattern, pattern]
    params += [branch_id, branch_id, pattern, pattern, pattern]
    params += [branch_id, branch_id, pattern, pattern, pattern, pattern]
    params += [branch_id, branch_id, *number, pattern, pattern, pattern, pattern]
    # by_last: the last name's exact prefixes, each a range of the index
    for v in variants:
        params += [branch_id, v, _after(v), n]
    # the count of the last name's less its erased; the others' first rows
    params += [branch_id, pattern, branch_id, pattern, n]
    rows = fetch(_statement(connection.vendor, len(variants), sort == "-name"), [*params, limit, offset])
    if not rows:
        return [], None
    return [row[0] for row in rows], int(rows[0][1])
