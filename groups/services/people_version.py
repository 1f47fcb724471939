"""Branch.people_version: one number per branch, raised by every write that
can change who a rule admits — people, memberships, categories, rules,
declared attributes, offices held, imports, erasure, retention.

The cached count of eligible people (groups/eligibility/count_cache.py) is
keyed by it, so after such a write the next count misses and is counted
afresh: a cache that is slow once rather than wrong. A writer that forgets
to bump leaves a stale quorum at the door; tests/door/test_quorum_cache.py
has a test per writer."""

from __future__ import annotations

from django.db.models import F

from ..models import Branch


def bump(branch_id: int) -> None:
    """Raise the branch's people_version by one (F() + 1: concurrent writers
    each count). Call it after the writes and inside their transaction, never
    before them in a separate one: a count read between the two would see the
    new version with the old rows and keep the old figure under the new key.
    Late in the transaction, too: the UPDATE holds the branch row until commit,
    so two writers of one branch wait for each other only that long."""
    Branch.objects.filter(pk=branch_id).update(people_version=F("people_version") + 1)
