"""The people list's own statements (groups/filters.py): the distinct wards of a
branch's people, by a loose index scan, and the ids a search finds."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import Person
from . import people_page, people_walk
from . import people_terms as terms
from . import people_ways as shared
from .core import Table, fetch

p = Table(Person, "p")


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


@cache
def _word_statement(vendor: str) -> str:
    """The ids of the branch's people one search word finds: the start of a
    first name, last name, email or postcode, or an exact membership number.
    A UNION of lookups, as neither database answers an OR across columns from
    indexes (people_terms.match writes each as its index stores it)."""
    parts = [f"SELECT {p.id} FROM {p} WHERE {p.branch} = %(branch)s AND {match}" for match in terms.matches(vendor)]
    parts.append(terms.number_ids())
    return " UNION ".join(parts)


def search_ids(branch_id: int, words: list[str]) -> RawSQL:
    """The ids of the people every word finds, for ``filter(pk__in=…)``
    (groups/filters.py search_people): one UNION of index lookups per word,
    INTERSECTed. Built as text once per database, where the ORM spent more
    time composing the same statement than the database spent answering it."""
    statement = _word_statement(connection.vendor)
    if len(words) == 1:
        text, params = statement, terms.word_params(branch_id, words[0])
    else:
        text = " INTERSECT ".join(f"SELECT * FROM ({terms.numbered(statement, i)}) w{i}" for i in range(len(words)))
        params = _numbered_params(branch_id, words)
    # The text holds only names from _meta; every search word is a parameter.
    return RawSQL(*terms.positional(text, params))  # noqa: S611


def _numbered_params(branch_id: int, words: list[str], *, ranged: bool = False) -> dict:
    params: dict = {}
    for i, word in enumerate(words):
        params.update(terms.numbered_params(terms.word_params(branch_id, word, ranged=ranged), i))
    return params


# --------------------------------------------------------------------------
# The people list's page, read by hand (the API and the people page): the
# page's ids with the count in one statement, then those people's rows and
# memberships in one more. bench/people_list.py: the ORM composed, compiled
# and ran the search twice (COUNT, then the page), and prefetched the
# memberships in a third query, which at 100,000 people was most of a request.


@cache
def _found_statements(vendor: str, sort: str, ranged: bool = False) -> tuple[str, str, str]:
    """(one word's statement, the whole postcode's, the whole branch's), each
    selecting (id, sort columns) of the branch's people it finds; erased
    people are left out by the caller (people_ways.living). `ranged` (SQLite): a word's
    prefix as a NOCASE range (people_terms.NOCASE), not a LIKE."""
    select = terms.select(shared.sort_columns(sort))
    found = terms.matches(vendor, ranged=ranged)
    # UNION ALL, each way leaving out who an earlier way found: no duplicates
    # to remove, where UNION sorted every match into a temporary B-tree
    # (3,839 for "Nowa" at 100,000 people).
    parts = [f"{select} AND {way}" + _none_of(found[:i]) for i, way in enumerate(found)]
    parts.append(f"{select} AND {p.id} IN ({terms.number_ids()})" + _none_of(found))
    return " UNION ALL ".join(parts), f"{select} AND {terms.match(vendor, p.postcode)}", select


def _none_of(ways: list[str]) -> str:
    return "".join(f" AND NOT {way}" for way in ways)


def _number_like(word: str) -> bool:
    """A word with a digit in it: a membership number, a postcode's start, an
    email's — few names start with one. Only which statement answers it
    depends on this, never what it finds."""
    return any(ch.isdigit() for ch in word)


@cache
def _pg_word_statement(sort: str, number_like: bool) -> tuple[str, bool]:
    """PostgreSQL: (one word's statement, whether it leaves out erased people
    itself). Each scan of groups_person costs PostgreSQL ~0.1 ms to plan (it
    weighs its indexes), and the general statement has seven: its planning
    (~0.65 ms) was most of a search by number (bench/people_list.py). The
    same matches as the general statement (each way of matching is the same
    condition, and whom several ways find is found once), in fewer scans:

    - a word with a digit: one scan, the four prefixes and the number ORed —
      a BitmapOr of the four indexes and the number's ids (an array, since an
      OR holding a subquery cannot use an index) — erased people left out
      from the rows it reads anyway;
    - a word of letters: people_ways.pg_ways, three scans."""
    if number_like:
        first, last, email, postcode = terms.matches("postgresql")
        number = f"{p.id} = ANY(ARRAY({terms.number_ids()}))"
        select = terms.select(shared.sort_columns(sort))
        return f"{select} AND {p.erased_at} IS NULL AND ({first} OR {last} OR {email} OR {postcode} OR {number})", True
    select, *ways = shared.pg_ways(sort, False)
    return " UNION ALL ".join(f"{select} AND {way}" for way in ways), False


def _found(branch_id: int, words: list[str], whole_postcode: str, sort: str) -> tuple[str, dict]:
    """The branch's people the search finds (groups.filters search_people),
    erased people left out, as (statement, params)."""
    vendor = connection.vendor
    if vendor == "postgresql" and words and not whole_postcode:
        statements = [_pg_word_statement(sort, _number_like(word)) for word in words]
        if len(words) == 1:
            found, params = statements[0][0], terms.word_params(branch_id, words[0])
        else:
            found = " INTERSECT ".join(
                f"SELECT * FROM ({terms.numbered(text, i)}) w{i}" for i, (text, _) in enumerate(statements)
            )
            params = _numbered_params(branch_id, words)
        return found if all(living for _, living in statements) else shared.living(found), params
    ranged = vendor == "sqlite" and all(terms.nocase_range(word) for word in words)
    one_word, postcode_part, everyone = _found_statements(vendor, sort, ranged)
    if whole_postcode:
        found, params = postcode_part, terms.word_params(branch_id, whole_postcode)
    elif not words:
        found, params = everyone, {"branch": branch_id}
    elif len(words) == 1:
        found, params = one_word, terms.word_params(branch_id, words[0], ranged=ranged)
    else:
        found = " INTERSECT ".join(f"SELECT * FROM ({terms.numbered(one_word, i)}) w{i}" for i in range(len(words)))
        params = _numbered_params(branch_id, words, ranged=ranged)
    return shared.living(found), params


def _pg_letters(words: list[str], whole_postcode: str) -> bool:
    """PostgreSQL, one word of letters: counted way by way (people_ways.pg_letters_count)."""
    return connection.vendor == "postgresql" and len(words) == 1 and not whole_postcode and not _number_like(words[0])


def page_ids(
    branch_id: int,
    *,
    words: list[str],
    whole_postcode: str,
    sort: str,
    offset: int,
    limit: int,
    audit=None,
    records: tuple[str, ...] | None = None,
) -> tuple:
    """The ids of one page of the people the search finds, in `sort` order,
    and how many it finds in all (None when the page is past the end, where
    no row brings the count: then ask `count`). `audit`: an API page's
    PeopleRead, whose row PostgreSQL's walk writes in its statement (its
    `written` says so); `records`: PersonSerializer's fields, whose JSON the
    walk reads in the same statement, then a third item (people_walk.page_ids).
    One statement: the page, and
    the count as a subquery. The whole branch is paged along its (branch,
    name) or (branch, member_since) index, so no more than the page is read."""
    if len(words) == 1 and not whole_postcode:
        # One word sorted by name: the last names' part of the page read along
        # the name index, their count from an index (groups/sql/people_page.py).
        done = people_page.page_ids(branch_id, words[0], sort=sort, offset=offset, limit=limit)
        if done is None:  # PostgreSQL's walk (groups/sql/people_walk.py)
            done = people_walk.page_ids(
                branch_id, words[0], sort=sort, offset=offset, limit=limit, audit=audit, records=records
            )
        if done is not None:
            return done
    page = {"limit": limit, "offset": offset}
    pk = f'f."{Person._meta.pk.column}"'
    if _pg_letters(words, whole_postcode):
        # The matches straight into the page's sort (a top-N heap of LIMIT
        # rows), the count from the indexes beside them: 3,839 for "Nowa"
        # were gathered into a temporary table to be counted and sorted.
        ranged = terms.rangeable(words[0])
        select, *ways = shared.pg_ways(sort, ranged)
        found = shared.living(" UNION ALL ".join(f"{select} AND {way}" for way in ways))
        statement = (
            f"SELECT {pk}, {shared.pg_letters_count(ranged)} FROM ({found}) f"
            f" ORDER BY {shared.order_by(sort, 'f')} LIMIT %(limit)s OFFSET %(offset)s"
        )
        rows = fetch(statement, {**terms.word_params(branch_id, words[0]), **page})
    elif words or whole_postcode:
        found, params = _found(branch_id, words, whole_postcode, sort)
        # MATERIALIZED: the matches gathered once for the count and the page
        # (SQLite 3.35+, PostgreSQL 12+); 1.8 ms where running them twice took
        # 2.2 ms and COUNT(*) OVER () 2.8 ms for "Nowa" (3,839) at 100,000.
        statement = (
            f"WITH found AS MATERIALIZED ({found}) SELECT {pk}, (SELECT COUNT(*) FROM found)"
            f" FROM found f ORDER BY {shared.order_by(sort, 'f')} LIMIT %(limit)s OFFSET %(offset)s"
        )
        rows = fetch(statement, {**params, **page})
    else:
        # Everyone less the erased, both counted from indexes alone: COUNT(*)
        # WHERE erased_at IS NULL read all 100,000 rows.
        total = f"(SELECT COUNT(*) FROM {p} WHERE {p.branch} = %(branch)s)"
        total += f" - (SELECT COUNT(*) FROM ({terms.erased()}) e)"
        statement = (
            f"SELECT {p.id}, {total} FROM {p} WHERE {p.branch} = %(branch)s AND {p.erased_at} IS NULL"
            f" ORDER BY {shared.order_by(sort, 'p')} LIMIT %(limit)s OFFSET %(offset)s"
        )
        rows = fetch(statement, {"branch": branch_id, **page})
    if not rows:
        return [], None
    return [row[0] for row in rows], int(rows[0][1])


def count(branch_id: int, *, words: list[str], whole_postcode: str) -> int:
    """How many people the search finds (for a page past the end)."""
    if _pg_letters(words, whole_postcode):
        counted = shared.pg_letters_count(terms.rangeable(words[0]))
        return int(fetch(f"SELECT {counted}", terms.word_params(branch_id, words[0]))[0][0])
    found, params = _found(branch_id, words, whole_postcode, "name")
    return int(fetch(f"SELECT COUNT(*) FROM ({found}) c", params)[0][0])
