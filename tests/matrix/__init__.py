"""The permission matrix, split by concept so each part of the product adds
its own URLs. Every URL pattern of the project (allauth's and the admin's
aside) must appear in exactly one module here, or test_permission_matrix fails.

An Entry says how to build the URL (and the POST body) and, for a branch page,
the capability its view must declare. What each actor gets is in the literal
table of tests/matrix/expected.py, never derived from CAPABILITIES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    # kwargs(world) → URL kwargs; may create objects in world.branch
    kwargs: Callable = field(default=lambda w: {"slug": w.branch.slug})
    need: str | None = None  # the capability a branch view declares (None: not a branch view)
    method: str = "get"
    data: Callable | None = None  # data(world) → POST body


def all_entries() -> dict[str, Entry]:
    from . import (
        agenda,
        counts,
        door,
        elections,
        foundation,
        imports,
        me,
        meetings,
        minutes,
        people,
        positions,
        public,
        reports,
        rules,
        speakers,
        votes,
    )

    modules = [
        foundation,
        people,
        imports,
        rules,
        meetings,
        door,
        reports,
        me,
        public,
        votes,
        speakers,
        positions,
        agenda,
        elections,
        counts,
        minutes,
    ]
    entries: dict[str, Entry] = {}
    for module in modules:
        for name, entry in module.ENTRIES.items():
            assert name not in entries, f"{name} is in the matrix twice"
            entries[name] = entry
    return entries
