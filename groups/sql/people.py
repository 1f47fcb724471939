"""The people list's own statements (groups/filters.py): the distinct wards of a
branch's people, by a loose index scan, and the ids a search finds."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import Category, Membership, Person
from . import people_page
from .core import Table, fetch, placeholders


@cache
def _wards_statement() -> str:
    p = Table(Person, "p")
    # One index lookup per ward on (branch, ward), where DISTINCT would read
    # every person (36 ms at 100,000 people on PostgreSQL).
    return (
        "WITH RECURSIVE w(ward) AS ("
        f" SELECT MIN({p.ward}) FROM {p} WHERE {p.branch} = %s AND {p.ward} > ''"
        " UNION ALL"
        f" SELECT (SELECT MIN({p.ward}) FROM {p} WHERE {p.branch} = %s AND {p.ward} > w.ward) FROM w"
        " WHERE w.ward IS NOT NULL"
        ") SELECT ward FROM w WHERE ward IS NOT NULL"
    )


def branch_wards(branch_id: int) -> list[str]:
    """The distinct non-empty wards of the branch's people, in order."""
    return [row[0] for row in fetch(_wards_statement(), [branch_id, branch_id])]


def _prefix(text: str) -> str:
    """A LIKE pattern for "starts with `text`", its wildcards escaped (backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@cache
def _word_statement(vendor: str) -> str:
    """The ids of the branch's people one search word finds: the start of a
    first name, last name, email or postcode, or an exact membership number.
    Each part is written as the case-insensitive index of migration 0006
    stores it (COLLATE NOCASE on SQLite, UPPER(col::text) on PostgreSQL) so
    that index answers it; a UNION of lookups, as neither database answers an
    OR across columns from indexes."""
    p, m = Table(Person, "p"), Table(Membership, "m")
    if vendor == "postgresql":
        like = "UPPER({}::text) LIKE UPPER(%s)"
    else:
        like = "{} LIKE %s ESCAPE '\\'"
    parts = [
        f"SELECT {p.id} FROM {p} WHERE {p.branch} = %s AND " + like.format(getattr(p, name))
        for name in ("first_name", "last_name", "email", "postcode")
    ]
    parts.append(f"SELECT {m.person} FROM {m} WHERE {m.branch} = %s AND {m.number} IN (%s, %s)")
    return " UNION ".join(parts)


def search_ids(branch_id: int, words: list[str]) -> RawSQL:
    """The ids of the people every word finds, for ``filter(pk__in=…)``
    (groups/filters.py search_people): one UNION of index lookups per word,
    INTERSECTed. Built as text once per database, where the ORM spent more
    time composing the same statement than the database spent answering it."""
    statement = _word_statement(connection.vendor)
    params: list = []
    for word in words:
        params += [branch_id, _prefix(word)] * 4 + [branch_id, word, word.upper()]
    # The text holds only names from _meta; every search word is a parameter.
    if len(words) > 1:
        statement = " INTERSECT ".join(f"SELECT * FROM ({statement}) w{i}" for i in range(len(words)))
    return RawSQL(statement, params)  # noqa: S611


# --------------------------------------------------------------------------
# The people list's page, read by hand (the API and the people page): the
# page's ids with the count in one statement, then those people's rows and
# memberships in one more. bench/people_list.py: the ORM composed, compiled
# and ran the search twice (COUNT, then the page), and prefetched the
# memberships in a third query, which at 100,000 people was most of a request.

# The ORM's orders for groups.filters.sort_people, column for column, so a
# page here is the page the ORM gives (tests/people/test_people_read_path.py).
# "+": NULLS LAST.
ORDERS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "joined": ("member_since+", "last_name", "first_name", "id"),
    "-joined": ("-member_since+", "last_name", "first_name", "id"),
}
_SEARCHED = ("first_name", "last_name", "email", "postcode")


def _order_by(sort: str, alias: str) -> str:
    out = []
    for key in ORDERS[sort]:
        name = key.strip("-+")
        text = f'{alias}."{Person._meta.get_field(name).column}" {"DESC" if key.startswith("-") else "ASC"}'
        out.append(text + (" NULLS LAST" if key.endswith("+") else ""))
    return ", ".join(out)


def _sort_columns(sort: str) -> tuple[str, ...]:
    """What a found row carries besides its id: what the order reads. Only
    names for the name orders, which (branch, last name, first name) indexes
    then answer alone, without reading the people's rows."""
    return ("last_name", "first_name", "member_since") if "joined" in sort else ("last_name", "first_name")


@cache
def _found_statements(vendor: str, sort: str, ranged: bool = False) -> tuple[str, str, str]:
    """(one word's statement, the whole postcode's, the whole branch's), each
    selecting (id, sort columns) of the branch's people it finds; erased
    people are left out by the caller (_living). `ranged` (SQLite): a word's
    prefix as a NOCASE range (people_page.NOCASE, two parameters), not a LIKE."""
    p, m = Table(Person, "p"), Table(Membership, "m")
    like = "UPPER({}::text) LIKE UPPER(%s)" if vendor == "postgresql" else "{} LIKE %s ESCAPE '\\'"
    word_like = people_page.NOCASE if ranged else like
    select = (
        f"SELECT {p.id}, " + ", ".join(getattr(p, c) for c in _sort_columns(sort)) + f" FROM {p} WHERE {p.branch} = %s"
    )
    matches = [word_like.format(getattr(p, name)) for name in _SEARCHED]
    # UNION ALL, each way leaving out who an earlier way found: no duplicates
    # to remove, where UNION sorted every match into a temporary B-tree
    # (3,839 for "Nowa" at 100,000 people).
    parts = [
        f"{select} AND {match}" + "".join(f" AND NOT {earlier}" for earlier in matches[:i])
        for i, match in enumerate(matches)
    ]
    parts.append(
        f"{select} AND {p.id} IN (SELECT {m.person} FROM {m} WHERE {m.branch} = %s AND {m.number} IN (%s, %s))"
        + "".join(f" AND NOT {earlier}" for earlier in matches)
    )
    return " UNION ALL ".join(parts), f"{select} AND {like.format(p.postcode)}", select


def _word_params(branch_id: int, word: str, ranged: bool) -> list:
    prefix = people_page.nocase_range(word) if ranged else [_prefix(word)]
    params: list = []
    for i in range(len(_SEARCHED)):
        params += [branch_id] + prefix * (i + 1)
    return params + [branch_id, branch_id, word, word.upper()] + prefix * len(_SEARCHED)


def _number_like(word: str) -> bool:
    """A word with a digit in it: a membership number, a postcode's start, an
    email's — few names start with one. Only which statement answers it
    depends on this, never what it finds."""
    return any(ch.isdigit() for ch in word)


@cache
def _pg_word_statement(sort: str, number_like: bool) -> tuple[str, bool]:
    """PostgreSQL: (one word's statement, whether it leaves out erased people
    itself). Each scan of groups_person costs PostgreSQL ~0.1 ms to plan (it
    weighs its two dozen indexes), and the general statement has seven: its
    planning (~0.65 ms) was most of a search by number (bench/people_list.py).
    The same matches as the general statement (each way of matching is the
    same condition, and whom several ways find is found once), in fewer scans:

    - a word with a digit: one scan, the four prefixes and the number ORed —
      a BitmapOr of the four indexes and the number's ids (an array, since an
      OR holding a subquery cannot use an index) — erased people left out
      from the rows it reads anyway;
    - a word of letters: the first and last names as before, index-only (a
      common prefix finds thousands by last name), then one scan ORing email,
      postcode and number, which read the rows anyway."""
    p, m = Table(Person, "p"), Table(Membership, "m")
    like = "UPPER({}::text) LIKE UPPER(%s)"
    first, last, email, postcode = (like.format(getattr(p, name)) for name in _SEARCHED)
    select = (
        f"SELECT {p.id}, " + ", ".join(getattr(p, c) for c in _sort_columns(sort)) + f" FROM {p} WHERE {p.branch} = %s"
    )
    number = f"{p.id} = ANY(ARRAY(SELECT {m.person} FROM {m} WHERE {m.branch} = %s AND {m.number} IN (%s, %s)))"
    if number_like:
        return f"{select} AND {p.erased_at} IS NULL AND ({first} OR {last} OR {email} OR {postcode} OR {number})", True
    return (
        f"{select} AND {first}"
        f" UNION ALL {select} AND {last} AND NOT {first}"
        f" UNION ALL {select} AND {p.erased_at} IS NULL AND ({email} OR {postcode} OR {number})"
        f" AND NOT {first} AND NOT {last}"
    ), False


def _pg_word_params(branch_id: int, word: str) -> list:
    prefix = _prefix(word)
    number = [branch_id, word, word.upper()]
    if _number_like(word):
        return [branch_id, *[prefix] * 4, *number]
    return [branch_id, prefix, branch_id, prefix, prefix, branch_id, prefix, prefix, *number, prefix, prefix]


def _found(branch_id: int, words: list[str], whole_postcode: str, sort: str) -> tuple[str, list]:
    """The branch's people the search finds (groups.filters search_people),
    erased people left out, as (statement, params)."""
    vendor = connection.vendor
    if vendor == "postgresql" and words and not whole_postcode:
        statements = [_pg_word_statement(sort, _number_like(word)) for word in words]
        params = [value for word in words for value in _pg_word_params(branch_id, word)]
        if len(words) == 1:
            found = statements[0][0]
        else:
            found = " INTERSECT ".join(f"SELECT * FROM ({text}) w{i}" for i, (text, _) in enumerate(statements))
        if all(living for _, living in statements):
            return found, params
        return _living(found, params, branch_id)
    ranged = vendor == "sqlite" and all(people_page.nocase_range(word) for word in words)
    one_word, postcode_part, everyone = _found_statements(vendor, sort, ranged)
    if whole_postcode:
        found, params = postcode_part, [branch_id, _prefix(whole_postcode)]
    elif not words:
        found, params = everyone, [branch_id]
    elif len(words) == 1:
        found, params = one_word, _word_params(branch_id, words[0], ranged)
    else:
        found = " INTERSECT ".join(f"SELECT * FROM ({one_word}) w{i}" for i in range(len(words)))
        params = [value for word in words for value in _word_params(branch_id, word, ranged)]
    return _living(found, params, branch_id)


def _living(found: str, params: list, branch_id: int) -> tuple[str, list]:
    p = Table(Person, "p")
    # Erased people (tombstones) through the small partial index person_erased,
    # so the ways of matching need not read each person's row to test erased_at.
    erased = f"SELECT {p.id} FROM {p} WHERE {p.branch} = %s AND {p.erased_at} IS NOT NULL"
    living = f'f."{Person._meta.pk.column}" NOT IN ({erased})'
    return f"SELECT * FROM ({found}) f WHERE {living}", [*params, branch_id]


def page_ids(
    branch_id: int, *, words: list[str], whole_postcode: str, sort: str, offset: int, limit: int
) -> tuple[list[int], int | None]:
    """The ids of one page of the people the search finds, in `sort` order,
    and how many it finds in all (None when the page is past the end, where
    no row brings the count: then ask `count`). One statement: the page, and
    the count as a subquery. The whole branch is paged along its (branch,
    name) or (branch, member_since) index, so no more than the page is read."""
    p = Table(Person, "p")
    if len(words) == 1 and not whole_postcode:
        # One word sorted by name: the last names' part of the page read along
        # the name index, their count from an index (groups/sql/people_page.py).
        done = people_page.page_ids(branch_id, words[0], sort=sort, offset=offset, limit=limit)
        if done is not None:
            return done
    if words or whole_postcode:
        found, params = _found(branch_id, words, whole_postcode, sort)
        # MATERIALIZED: the matches gathered once for the count and the page
        # (SQLite 3.35+, PostgreSQL 12+); 1.8 ms where running them twice took
        # 2.2 ms and COUNT(*) OVER () 2.8 ms for "Nowa" (3,839) at 100,000.
        statement = (
            f"WITH found AS MATERIALIZED ({found})"
            f' SELECT f."{Person._meta.pk.column}", (SELECT COUNT(*) FROM found)'
            f" FROM found f ORDER BY {_order_by(sort, 'f')} LIMIT %s OFFSET %s"
        )
        rows = fetch(statement, [*params, limit, offset])
    else:
        # Everyone less the erased, both counted from indexes alone: COUNT(*)
        # WHERE erased_at IS NULL read all 100,000 rows.
        total = (
            f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %s)"
            f" - (SELECT COUNT(*) FROM {p} WHERE {p.branch} = %s AND {p.erased_at} IS NOT NULL)"
        )
        statement = (
            f"SELECT {p.id}, {total} FROM {p} WHERE {p.branch} = %s AND {p.erased_at} IS NULL"
            f" ORDER BY {_order_by(sort, 'p')} LIMIT %s OFFSET %s"
        )
        rows = fetch(statement, [branch_id, branch_id, branch_id, limit, offset])
    if not rows:
        return [], None
    return [row[0] for row in rows], int(rows[0][1])


def count(branch_id: int, *, words: list[str], whole_postcode: str) -> int:
    """How many people the search finds (for a page past the end)."""
    found, params = _found(branch_id, words, whole_postcode, "name")
    return int(fetch(f"SELECT COUNT(*) FROM ({found}) c", params)[0][0])


# The membership fields a page shows, in the API's order (CONTRACT §4), the
# category as its slug.
MEMBERSHIP_DATES = ("started_on", "continuous_since", "ended_on", "dues_paid_until")
MEMBERSHIP_COLUMNS = ("id", "category", "number", "status", *MEMBERSHIP_DATES)


@cache
def _rows_statement(n: int, person_fields: tuple[str, ...]) -> str:
    p, m, c = Table(Person, "p"), Table(Membership, "m"), Table(Category, "c")
    people = ", ".join(getattr(p, f) for f in ("id", *person_fields))
    memberships = ", ".join(c.slug if f == "category" else getattr(m, f) for f in MEMBERSHIP_COLUMNS)
    # One row per membership (one with NULLs for someone who has none), in
    # the order the page lists a person's memberships.
    return (
        f"SELECT {people}, {memberships} FROM {p}"
        f" LEFT OUTER JOIN {m} ON {m.person} = {p.id}"
        f" LEFT OUTER JOIN {c} ON {c.id} = {m.category}"
        f" WHERE {p.branch} = %s AND {p.id} IN ({placeholders(n)})"
        f" ORDER BY {c.order}, {m.started_on}, {m.id}"
    )


def page_rows(branch_id: int, ids: list[int], person_fields: tuple[str, ...]) -> list[tuple]:
    """These people of the branch, one row per membership (a person without
    any: one row, the membership's columns NULL): id, `person_fields`, then
    MEMBERSHIP_COLUMNS (the category as its slug), the memberships in the
    page's order (category, start, id). Values as the driver gives them: the
    caller knows the fields' types (groups.queries.people.api_people)."""
    if not ids:
        return []
    return fetch(_rows_statement(len(ids), tuple(person_fields)), [branch_id, *ids])
