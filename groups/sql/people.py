"""The distinct wards of a branch's people, by a loose index scan (see the
package docstring; groups/filters.py for the people list that offers them)."""

from __future__ import annotations

from functools import cache

from ..models import Person
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
