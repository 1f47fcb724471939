"""Rules on their pages: a rule in plain English, who it admits by category,
and who gains or loses going from one rule to another (the compiled filter)."""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Case, Count, Q, Value, When

from ..eligibility.compile import compile_rule
from ..eligibility.engine import RuleError, summarise
from ..eligibility.loading import category_names
from ..models import Branch, Category, Person, Rule


def definition_summary(definition: dict, names: dict[str, str]) -> str:
    """A rule's definition in plain English, naming the branch's categories;
    a sentence saying so when it cannot be read."""
    try:
        return summarise(definition, category_names=names)
    except RuleError as exc:
        return f"This rule cannot be read ({exc})."


def rule_summary(rule: Rule, *, names: dict[str, str] | None = None) -> str:
    """The rule in plain English (the branch's category names are read when
    ``names`` are not given: pass them when summarising many rules)."""
    return definition_summary(rule.definition, category_names(rule.branch_id) if names is None else names)


def eligibility_counts(branch: Branch, definition: dict, as_of: date) -> dict:
    """Eligible / not eligible overall and by category held (any status).

    Someone holding two categories counts under each; people with no
    membership have their own row. Two queries plus compiling.
    """
    q = compile_rule(definition, as_of, branch=branch)
    people = Person.objects.filter(branch=branch)
    totals = people.aggregate(total=Count("pk"), eligible=Count("pk", filter=q))
    flag = Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())
    rows = (
        people.annotate(ok=flag)
        .values("memberships__category_id", "ok")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    by_cat: dict[int | None, dict[str, int]] = {}
    for row in rows:
        entry = by_cat.setdefault(row["memberships__category_id"], {"eligible": 0, "not_eligible": 0})
        entry["eligible" if row["ok"] else "not_eligible"] += row["n"]
    categories = []
    for cat in Category.objects.filter(branch=branch):
        entry = by_cat.get(cat.pk, {"eligible": 0, "not_eligible": 0})
        categories.append({"name": cat.name, **entry})
    if None in by_cat:
        categories.append({"name": "No membership", **by_cat[None]})
    return {
        "total": totals["total"],
        "eligible": totals["eligible"],
        "not_eligible": totals["total"] - totals["eligible"],
        "categories": categories,
    }


def compare_rules(branch: Branch, old: dict, new: dict, as_of: date, *, limit: int = 50) -> dict:
    """Who gains and who loses eligibility going from ``old`` to ``new``:
    counts, counts by category and up to ``limit`` names each."""
    q_old = compile_rule(old, as_of, branch=branch)
    q_new = compile_rule(new, as_of, branch=branch)
    people = Person.objects.filter(branch=branch)
    out = {}
    for key, q in (("gains", q_new & ~q_old), ("loses", q_old & ~q_new)):
        changed = people.filter(q)
        count = changed.count()
        cats = (
            Category.objects.filter(branch=branch)
            .annotate(n=Count("memberships__person", filter=Q(memberships__person__in=changed), distinct=True))
            .filter(n__gt=0)
            .values_list("name", "n")
        )
        names = list(changed.order_by("last_name", "first_name", "id")[:limit])
        out[key] = {"count": count, "categories": list(cats), "people": names, "more": max(0, count - len(names))}
    return out
