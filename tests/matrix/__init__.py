"""The permission matrix, split by concept so each part of the product adds
its own URLs. Every URL pattern of the project (allauth's and the admin's
aside) must appear in exactly one module here, or test_permission_matrix fails.

An Entry for a branch page names the capability its view declares; the test
derives what each actor must get from groups.permissions.CAPABILITIES:
anonymous → sign-in redirect, a user of another branch → 404, a role without
the capability → 403, a role with it → the page (or the action's redirect).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    # kwargs(world) → URL kwargs; may create objects in world.branch
    kwargs: Callable = field(default=lambda w: {"slug": w.branch.slug})
    need: str | None = None  # capability for branch views (None → see `expect`)
    method: str = "get"
    data: Callable | None = None  # data(world) → POST body
    # For URLs outside a branch: expected status per actor, e.g. {"anonymous": 200, ...}
    expect: dict[str, int] | None = None
    # Pages readable without signing in (public meeting pages, signed links).
    public: bool = False


def all_entries() -> dict[str, Entry]:
    from . import foundation

    modules = [foundation]
    for optional in ("people", "imports", "rules", "meetings", "door", "reports", "me", "public", "api"):
        try:
            modules.append(__import__(f"tests.matrix.{optional}", fromlist=["ENTRIES"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.matrix.{optional}":
                raise
    entries: dict[str, Entry] = {}
    for module in modules:
        for name, entry in module.ENTRIES.items():
            assert name not in entries, f"{name} is in the matrix twice"
            entries[name] = entry
    return entries
