"""The counts behind a branch's delegate entitlement (counting/delegates.py):
its current party members on a date, how many of them are women by their own
consented declaration, how many are under 27, and whether last year's sole
delegate was a woman. Only counts leave here — never who. Members, women and
under-27s are the compiled eligibility filter (eligibility/compile.py), so
"party member on the date" means what it means at the door; one aggregate
query for the three counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from ..counting import delegates as rule
from ..eligibility.compile import compile_rule
from ..models import AttributeDefinition, Branch, Category, Person, Position, PositionHolder, SelfDeclaredAttribute

WOMAN = re.compile(r"\bwom[ae]n\b", re.IGNORECASE)


@dataclass(frozen=True)
class DelegateCounts:
    as_of: date
    categories: list[Category]
    question: AttributeDefinition | None
    women_values: list[str]
    position: Position | None
    members: int
    women: int | None
    young: int
    without_birth_date: int
    last_year: str
    last_year_on: date

    @property
    def reads_declarations(self) -> bool:
        return self.question is not None and bool(self.women_values)


def default_categories(branch: Branch) -> list[Category]:
    """The party-member categories: slug `party-member`, else any named "party member…"."""
    categories = list(Category.objects.filter(branch=branch).order_by("order", "name"))
    exact = [c for c in categories if c.slug == "party-member"]
    return exact or [c for c in categories if c.name.lower().startswith("party member")]


def default_question(branch: Branch) -> AttributeDefinition | None:
    """The question keyed `gender`, else the first whose key or name says gender."""
    questions = list(AttributeDefinition.objects.filter(branch=branch))
    for q in questions:
        if q.key == "gender":
            return q
    return next((q for q in questions if "gender" in q.key or "gender" in q.name.lower()), None)


def women_answers(question: AttributeDefinition | None) -> list[str]:
    """The answers that say "woman" in their value or words ("Woman", "Trans woman")."""
    if question is None:
        return []
    return [
        o["value"]
        for o in question.options
        if WOMAN.search(str(o.get("value", ""))) or WOMAN.search(str(o.get("label", "")))
    ]


def delegate_positions(branch: Branch) -> list[Position]:
    return list(Position.objects.filter(branch=branch, slug__contains="delegate").order_by("order", "name"))


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def delegate_counts(
    branch: Branch,
    *,
    as_of: date,
    categories: list[Category],
    question: AttributeDefinition | None,
    women_values: list[str],
    position: Position | None,
) -> DelegateCounts:
    members_rule = {"membership": {"categories": [c.slug for c in categories]}} if categories else None
    member = compile_rule(members_rule, as_of, branch=branch) if members_rule else Q(pk__in=[])
    young = compile_rule({"age": {"max": rule.YOUNG_UNDER - 1}}, as_of, branch=branch)
    counts = {
        "members": Count("pk", filter=member),
        "young": Count("pk", filter=member & young),
        "without_birth_date": Count("pk", filter=member & Q(date_of_birth__isnull=True)),
    }
    reads = question is not None and bool(women_values)
    if reads:
        woman = compile_rule({"attribute": {"key": question.key, "any": women_values}}, as_of, branch=branch)
        counts["women"] = Count("pk", filter=member & woman)
    found = Person.objects.filter(branch=branch).aggregate(**counts)
    last_on = year_before(as_of)
    return DelegateCounts(
        as_of=as_of,
        categories=categories,
        question=question,
        women_values=women_values,
        position=position,
        members=found["members"],
        women=found["women"] if reads else None,
        young=found["young"],
        without_birth_date=found["without_birth_date"],
        last_year=_last_year(position, last_on, question, women_values) if reads else rule.LAST_UNKNOWN,
        last_year_on=last_on,
    )


def _last_year(position: Position | None, on: date, question, women_values: list[str]) -> str:
    """Who held the delegate position a year ago (their term covering that day),
    and whether that one person's consented declaration counts as a woman."""
    if position is None:
        return rule.LAST_UNKNOWN
    held = list(
        PositionHolder.objects.filter(position=position, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values_list("person_id", flat=True)[:2]
    )
    if not held:
        return rule.LAST_NONE
    if len(held) > 1:
        return rule.LAST_SEVERAL
    declared = SelfDeclaredAttribute.objects.filter(
        person_id=held[0], definition=question, value__in=women_values
    ).exists()
    return rule.LAST_WOMAN if declared else rule.LAST_NOT_WOMAN
