"""PostgreSQL: a one-word search's page read along the (branch, last_name,
first_name) index in the page's order, instead of gathering and sorting
every match (groups/sql/people.py page_ids uses it).

The general PostgreSQL statement for a word of letters reads every last
name the word starts (3,839 for "Nowa" at 100,000 people) from the covering
index and sorts them all for a page of 50. Under a byte-order (code-point)
collation a case-insensitive prefix is a few exact ones ("Nowa": NOWA, NOWa,
… nowa), each a range of person_branch_name, whose order is the page's
(last_name, first_name, then id). The ranges are one LATERAL subquery over
an array of them, read with LIMIT: PostgreSQL plans one scan however many
ranges there are (16 written out took 2.9 ms to plan, people_page.py), and
reads no further than the page in each. Whom the first name, email,
postcode or number finds (and the last name does not) is gathered and
sorted as before (few), and counted from that gathering; the last names are
counted from their index alone: the count stays exact.

Only where that is exact:
- the database's collation is libc's C, POSIX or C.UTF-8 (code-point order,
  the columns' own collation the default): under any other the case forms
  of a prefix interleave (en_US: "nowak" beside "Nowak"), and there is no
  range; then the general statement answers;
- UPPER() there folds each character on its own, so UPPER(name) starts with
  the word's capitals exactly when the name starts with one of the forms.
  Which non-ASCII characters UPPER folds to an ASCII letter (C.UTF-8: ı → I,
  ſ → S) is asked of the database once (FOLDS, checked over every character
  by tests/people/test_people_walk.py);
- a word of at most MAX_LETTERS ASCII letters with at most MAX_FORMS forms,
  pages within MAX_ROWS; anything else takes the general statement.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import product

from django.db import connection
from django.utils import timezone

from ..models import AuditEvent, Person
from . import people_json
from . import people_terms as terms
from . import people_ways as shared
from .core import Table, fetch
from .people_page import _after

MAX_FORMS = 128  # each an index probe, ~0.005 ms even when empty
MAX_ROWS = 1000  # offset + limit: deeper pages take the general statement
# Characters outside ASCII whose simple capital is an ASCII letter (Unicode
# data): the only ones a libc UPPER could fold into a word of ASCII letters.
FOLDS = "ıſ"  # dotless i → I, long s → S
C_COLLATIONS = ("c", "posix", "c.utf-8", "c.utf8")
# The audit row's columns _audited writes, in its order (groups/services/audit.py record).
AUDIT_FIELDS = ("at", "actor", "branch", "action", "object_type", "object_id", "person_id", "summary", "changes")

_ready: dict[str, dict[str, str] | None] = {}


def _folds() -> dict[str, str] | None:
    """{ASCII capital: the other characters UPPER folds to it}, or None when
    the collation is not code-point order (no walk). Asked once per database."""
    key = connection.settings_dict["NAME"]
    if key not in _ready:
        rows = fetch(
            "SELECT d.datlocprovider, d.datcollate,"
            " (SELECT COUNT(*) FROM pg_attribute a WHERE a.attrelid = %s::regclass"
            "  AND a.attname IN (%s, %s) AND a.attcollation NOT IN (0, 100)),"
            " ARRAY(SELECT UPPER(c) FROM UNNEST(%s::text[]) c)"
            " FROM pg_database d WHERE d.datname = current_database()",
            [
                Person._meta.db_table,
                Person._meta.get_field("last_name").column,
                Person._meta.get_field("first_name").column,
                list(FOLDS),
            ],
        )
        provider, collate, own, capitals = rows[0]
        folds: dict[str, str] | None = None
        if provider == "c" and collate.lower() in C_COLLATIONS and not own:
            folds = {}
            for ch, cap in zip(FOLDS, capitals, strict=True):
                if cap != ch:
                    folds[cap] = folds.get(cap, "") + ch
        _ready[key] = folds
    return _ready[key]


def _forms(word: str, folds: dict[str, str]) -> list[str] | None:
    """The exact prefixes whose UPPER is the word's ("Nowa" → NOWA, NOWa, …
    nowa), in code-point order; None for anything but a few ASCII letters."""
    if not word or not word.isascii() or not word.isalpha():
        return None
    choices, count = [], 1
    for ch in word:
        forms = sorted({ch.lower(), ch.upper(), *folds.get(ch.upper(), "")})
        count *= len(forms)
        if count > MAX_FORMS:
            return None
        choices.append(forms)
    return ["".join(p) for p in product(*choices)]  # sorted choices: sorted products


@cache
def _audited(descending: bool, person_fields: tuple[str, ...] | None = None) -> str:
    """_statement, writing the page's audit row in the same statement (a
    PeopleRead's, groups/services/exports.py): one statement fewer per API
    page, ~0.3 ms (the INSERT's own round trip and Python). The row as
    record_people_read writes it; none for an empty page. With
    `person_fields`, the page's records too, as JSON text
    (people_json.records: a row per membership, in the page's order), where
    reading them took one more statement (~0.2 ms)."""

    e = AuditEvent._meta
    columns = ", ".join(f'"{e.get_field(f).column}"' for f in AUDIT_FIELDS)
    n = "c.n"
    summary = (
        f"'Read ' || {n} || CASE WHEN {n} = 1 THEN ' person''s' ELSE ' people''s' END"
        " || ' full records through the API (page ' || %(audit_page)s::bigint || ')'"
    )
    changes = "JSONB_BUILD_OBJECT('people', c.n, 'page', %(audit_page)s::bigint, 'filters', %(audit_filters)s::jsonb)"
    order = shared.order_by("-name" if descending else "name", "page")
    pk = Person._meta.pk.column
    if person_fields is None:
        out = f'SELECT page."{pk}", page.total FROM page ORDER BY {order}'
    else:
        p = Table(Person, "p")
        select, joins, memberships = people_json.records("postgresql", person_fields)
        out = (
            f'SELECT {select}, page.total FROM page JOIN {p} ON {p.id} = page."{pk}" AND {p.branch} = %(branch)s'
            f" {joins} ORDER BY {order}, {memberships}"
        )
    return (
        f"WITH page AS MATERIALIZED ({_statement(descending, True)}),"
        f' written AS (INSERT INTO "{e.db_table}" ({columns})'
        f" SELECT %(audit_at)s, %(audit_actor)s, %(branch)s, %(audit_action)s, '', '', NULL, {summary}, {changes}"
        f" FROM (SELECT COUNT(*) AS n FROM page) c WHERE c.n > 0) {out}"
    )


@cache
def _statement(descending: bool, named: bool = False) -> str:
    p = Table(Person, "p")
    sort = "-name" if descending else "name"
    select, by_last, by_first, others = shared.pg_ways(sort, True)
    # Whom the first name, email, postcode or number finds, and the last name
    # does not, erased people left out: gathered once, counted, and their
    # first %(n)s rows sorted into the page. (Counted way by way beside the
    # gathering, people_ways.pg_letters_count, the same lookups ran twice, and
    # the statement's text passed the 4,096 bytes psycopg parses only once.)
    rest = shared.living(f"{select} AND {by_first} UNION ALL {select} AND {others}")
    # Whom the last name finds: each form a range of (branch, last_name,
    # first_name), read in the page's order, %(n)s rows at most; counted from
    # the (branch, UPPER(last_name)) index alone, less the erased among them.
    walk = (
        f"SELECT w.* FROM UNNEST(%(lows)s::text[], %(highs)s::text[]) r(low, high) CROSS JOIN LATERAL"
        f" ({select} AND {p.last_name} >= r.low AND {p.last_name} < r.high AND {p.erased_at} IS NULL"
        f" ORDER BY {shared.order_by(sort, 'p')} LIMIT %(n)s) w"
    )
    last = terms.matches("postgresql")[1]
    total = (
        f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %(branch)s AND {by_last})"
        f" - (SELECT COUNT(*) FROM {p} WHERE {p.branch} = %(branch)s AND {p.erased_at} IS NOT NULL AND {last})"
        " + (SELECT COUNT(*) FROM rest)"
    )
    pk = f'f."{Person._meta.pk.column}"'
    # named: the columns named and the names carried, for _audited to sort again.
    names = ", ".join(f'f."{Person._meta.get_field(n).column}"' for n in ("last_name", "first_name"))
    carried = f" AS total, {names}" if named else ""
    return (
        f"WITH rest AS MATERIALIZED ({rest}) SELECT {pk}, {total}{carried} FROM ({walk}"
        f" UNION ALL (SELECT * FROM rest o ORDER BY {shared.order_by(sort, 'o')} LIMIT %(n)s)) f"
        f" ORDER BY {shared.order_by(sort, 'f')} LIMIT %(limit)s OFFSET %(offset)s"
    )


def page_ids(
    branch_id: int, word: str, *, sort: str, offset: int, limit: int, audit=None, records=None
) -> tuple | None:
    """One word's page of ids in `sort` ("name" or "-name") and how many it
    finds, as people.page_ids gives them; None when this way does not apply.
    `audit`: a PeopleRead whose row the statement writes (once) with the page;
    with it, `records` (PersonSerializer's fields): the page's records too,
    a third item (JSON text, how many: people_json.joined)."""
    if connection.vendor != "postgresql" or sort not in ("name", "-name") or offset + limit > MAX_ROWS:
        return None
    if not word.isascii() or not word.isalpha():
        return None
    folds = _folds()
    forms = None if folds is None else _forms(word, folds)
    if forms is None:
        return None
    if sort == "-name":
        forms.reverse()
    params = {
        **terms.word_params(branch_id, word),
        "lows": forms,
        "highs": [_after(f) for f in forms],
        "n": offset + limit,
        "limit": limit,
        "offset": offset,
    }
    if audit is None or audit.written:
        rows = fetch(_statement(sort == "-name"), params)
        return ([row[0] for row in rows], int(rows[0][1])) if rows else ([], None)
    params.update(
        audit_at=timezone.now(),
        audit_actor=audit.actor_id,
        audit_action=str(audit.action),
        audit_page=audit.page,
        audit_filters=json.dumps(audit.filters),
    )
    own = None if records is None else people_json.person_fields(records)
    rows = fetch(_audited(sort == "-name", own), params)
    audit.written = bool(rows)
    if not rows:
        return [], None
    if own is None:
        return [row[0] for row in rows], int(rows[0][1])
    # A row per membership: the page's ids in the order they first come.
    return list(dict.fromkeys(row[0] for row in rows)), int(rows[0][-1]), people_json.joined(rows)
