"""The people list's own statements (groups/filters.py): the distinct wards of a
branch's people, by a loose index scan, and the ids a search finds."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import Membership, Person
from .core import Table, fetch


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
