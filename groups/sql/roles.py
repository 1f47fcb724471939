"""The user's branches with their role in each: the first read of every
branch page (see the package docstring for why by hand;
groups/permissions.py for what it answers)."""

from __future__ import annotations

from functools import cache

from ..models import Branch, Role
from .core import Table, fetch, read


@cache
def _statement() -> str:
    r, b = Table(Role, "r"), Table(Branch, "b")
    return (
        f"SELECT {r.role}, {b.all} FROM {r} INNER JOIN {b} ON {b.id} = {r.branch} WHERE {r.user} = %s ORDER BY {r.id}"
    )


def roles_with_branches(user_id: int) -> list[tuple[str, Branch]]:
    """(role, branch) for each of the user's roles, oldest role first."""
    return [(role, read(Branch, values)) for role, *values in fetch(_statement(), [user_id])]
