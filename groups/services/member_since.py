"""Person.member_since, the stored "member since" the people list sorts by:
the earliest of a person's memberships' continuous_since, else started_on.
Not a write of its own (no transaction, no audit row): every service that
writes memberships calls `refresh` inside its own transaction, for the
people whose memberships it changed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Branch, Membership, Person

BATCH = 1000  # ids per UPDATE: well under every database's parameter limit


def derived():
    """The value member_since stores, as a subquery on Person (for refresh and the tests)."""
    return Subquery(
        Membership.objects.filter(person=OuterRef("pk"))
        .annotate(since=Coalesce("continuous_since", "started_on"))
        .order_by("since")
        .values("since")[:1]
    )


def refresh(person_ids: Iterable[int]) -> None:
    """Recompute member_since for these people, in one UPDATE per BATCH of them."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        Person.objects.filter(pk__in=ids[start : start + BATCH]).update(member_since=derived())


def refresh_branch(branch: Branch) -> None:
    """Recompute member_since for a whole branch (a large import, the demo)."""
    Person.objects.filter(branch=branch).update(member_since=derived())
