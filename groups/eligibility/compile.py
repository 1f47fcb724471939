"""Compile an eligibility rule into a database filter on Person.

``compile_rule(definition, as_of, branch=...)`` returns a ``Q`` selecting
exactly the people for whom ``groups.eligibility.engine.evaluate`` says eligible, with
the same semantics (see the engine's docstring). tests/test_eligibility_agreement.py
checks the two against each other on generated data.

Notes on the translation:

* A ``membership`` block is ``pk IN (person_id of the memberships meeting
  every part of the block)``: each part filters the same membership row, so
  one and the same membership must meet them all.
* ``age`` becomes a date-of-birth range (``dob_range``).
* ``area``: wards compare trimmed and lower-cased. The engine case-folds, which
  differs from SQL lower-casing only for a few non-ASCII letters (such as ß;
  SQLite's LOWER is ASCII only), so ward names should be ASCII or typed the
  way they are stored. Postcodes are stored normalised ("N15 4AB") and compare
  exactly / by prefix, as ``postcode_matches`` does.
* ``attribute``: ``pk IN`` the people with a declaration for the branch's
  question ``key`` whose value is in ``any``.
* ``office``: ``pk IN`` the holders of the branch's positions named, whose
  term covers as-of (``started_on <= as_of``, ``ended_on`` empty or ``>= as_of``).
* ``attended``: the branch's last ``of_last`` meetings are worked out in
  Python (one query per distinct ``of_last``), then attendance is counted.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from operator import and_, or_

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Lower, Trim
from django.db.models.lookups import In

from ..models import Attendance, Branch, Category, Membership, PositionHolder, SelfDeclaredAttribute
from . import engine
from .loading import branch_meeting_facts

__all__ = ["compile_rule", "NOBODY", "EVERYONE"]

EVERYONE = Q(pk__isnull=False)
NOBODY = Q(pk__in=[])


class _Compiler:
    def __init__(self, as_of: date, branch: Branch):
        self.as_of = as_of
        self.branch = branch
        self._category_ids: dict[str, int] | None = None
        self._meetings: list[engine.MeetingFacts] | None = None

    def category_ids(self, slugs: list[str]) -> list[int]:
        if self._category_ids is None:
            self._category_ids = dict(Category.objects.filter(branch=self.branch).values_list("slug", "id"))
        return [self._category_ids[s] for s in slugs if s in self._category_ids]

    def meetings(self) -> list[engine.MeetingFacts]:
        if self._meetings is None:
            self._meetings = branch_meeting_facts(self.branch, before=self.as_of)
        return self._meetings

    def node(self, node: dict) -> Q:
        ((key, value),) = node.items()
        if key == "all":
            return reduce(and_, (self.node(c) for c in value), EVERYONE)
        if key == "any":
            return reduce(or_, (self.node(c) for c in value))
        if key == "not":
            return ~self.node(value)
        if key == "everyone":
            return EVERYONE
        return getattr(self, key)(value)

    def membership(self, block: dict) -> Q:
        as_of = self.as_of
        # One uncorrelated subquery: the people holding ONE membership row
        # that meets every part of the block. (A correlated EXISTS says the
        # same, but inside OR / NOT it is run once per person; measured 2-5x
        # slower at 100,000 people on both databases, see bench/RESULTS.md.)
        qs = Membership.objects.filter(
            branch=self.branch,
            status__in=block.get("statuses", ["active"]),
            started_on__lte=as_of,
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))
        if "categories" in block:
            ids = self.category_ids(block["categories"])
            if not ids:
                return NOBODY
            qs = qs.filter(category_id__in=ids)
        since_filters = {}
        if block.get("min_days"):
            try:
                since_filters["since__lte"] = as_of - timedelta(days=block["min_days"])
            except OverflowError:
                return NOBODY
        if "joined_by" in block:
            since_filters["since__lte"] = min(
                since_filters.get("since__lte", date.max), date.fromisoformat(block["joined_by"])
            )
        if "joined_from" in block:
            since_filters["since__gte"] = date.fromisoformat(block["joined_from"])
        if since_filters:
            qs = qs.annotate(since=Coalesce("continuous_since", "started_on")).filter(**since_filters)
        if block.get("dues_paid"):
            try:
                needed = as_of - timedelta(days=block.get("dues_grace_days", 0))
            except OverflowError:
                needed = date.min
            qs = qs.filter(dues_paid_until__gte=needed)
        return Q(pk__in=qs.values("person_id"))

    def age(self, block: dict) -> Q:
        earliest, latest = engine.dob_range(self.as_of, block.get("min"), block.get("max"))
        if earliest is not None and earliest > latest:
            return NOBODY
        q = Q(date_of_birth__lte=latest)
        if earliest is not None:
            q &= Q(date_of_birth__gte=earliest)
        return q

    def area(self, block: dict) -> Q:
        parts = []
        wards = sorted({w.strip().lower() for w in block.get("wards", [])})
        if wards:
            parts.append(Q(In(Lower(Trim("ward")), wards)))
        for prefix in block.get("postcodes", []):
            if " " in prefix:
                parts.append(Q(postcode__startswith=prefix))
            else:
                parts.append(Q(postcode=prefix) | Q(postcode__startswith=prefix + " "))
        return reduce(or_, parts) if parts else NOBODY

    def attended(self, block: dict) -> Q:
        needed = block["min"]
        if needed <= 0:
            return EVERYONE
        ids = [m.id for m in engine.last_meetings(self.meetings(), self.as_of, block["of_last"])]
        if len(ids) < needed:
            return NOBODY
        # Not correlated: the people who went often enough, worked out once.
        went = Attendance.objects.filter(meeting_id__in=ids, undone_at__isnull=True, person__isnull=False)
        if needed == 1:
            return Q(pk__in=went.values("person_id"))
        often = went.order_by().values("person_id").annotate(n=Count("pk")).filter(n__gte=needed)
        return Q(pk__in=often.values("person_id"))

    def attribute(self, block: dict) -> Q:
        declared = SelfDeclaredAttribute.objects.filter(
            definition__branch=self.branch, definition__key=block["key"], value__in=block["any"]
        )
        return Q(pk__in=declared.values("person_id"))

    def office(self, block: dict) -> Q:
        held = PositionHolder.objects.filter(
            position__branch=self.branch, position__slug__in=block["positions"], started_on__lte=self.as_of
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.as_of))
        return Q(pk__in=held.values("person_id"))


def compile_rule(definition: dict, as_of: date, *, branch: Branch) -> Q:
    """A filter on Person selecting the people ``evaluate`` admits on ``as_of``.

    Apply it to the branch's people (``Person.objects.filter(branch=branch)``).
    Raises ``RuleError`` for an invalid definition. Runs at most one query for
    the branch's categories and one for its meetings while compiling.
    """
    rule = engine.validate(definition)
    return _Compiler(as_of, branch).node(rule)
