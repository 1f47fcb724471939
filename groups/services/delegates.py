"""Working out a branch's delegate entitlement (issue 13, item 7): the counts
(queries/delegates.py), the rule (counting/delegates.py) and, because the
women's count and last year's delegate read self-declared answers
(special-category data), the audit row saying it was looked at — which
question, never a value, never a person. The page and the API call this."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from ..counting.delegates import Entitlement, delegate_entitlement
from ..eligibility.engine import format_date
from ..models import AttributeDefinition, AuditAction, Branch, Category, Position
from ..queries import delegates as queries
from . import audit


def work_out_entitlement(
    *,
    branch: Branch,
    actor,
    as_of: date,
    categories: list[Category],
    question: AttributeDefinition | None,
    women_values: list[str],
    position: Position | None,
) -> tuple[queries.DelegateCounts, Entitlement, list[str]]:
    """The counts, the entitlement, and the lines saying what was counted."""
    counts = queries.delegate_counts(
        branch, as_of=as_of, categories=categories, question=question, women_values=women_values, position=position
    )
    entitlement = delegate_entitlement(
        counts.members,
        women=counts.women,
        young=counts.young,
        without_birth_date=counts.without_birth_date,
        last_year=counts.last_year,
    )
    if counts.reads_declarations:
        _record(branch=branch, actor=actor, counts=counts)
    return counts, entitlement, counted_lines(counts)


@transaction.atomic(durable=True)
def _record(*, branch: Branch, actor, counts: queries.DelegateCounts) -> None:
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.DELEGATES_WORKED_OUT,
        object_type="branch",
        object_id=branch.pk,
        summary=f"Delegates due on {counts.as_of.isoformat()} worked out from the counts of members; "
        f"self-declared question {counts.question.key} read as counts",
        changes={
            "as_of": counts.as_of,
            "question": counts.question.key,
            "categories": [c.slug for c in counts.categories],
            "delegate_position": counts.position.slug if counts.position else None,
        },
    )


def counted_lines(counts: queries.DelegateCounts) -> list[str]:
    on = format_date(counts.as_of)
    if counts.categories:
        names = " or ".join(c.name for c in counts.categories)
        lines = [f"Party members: people with an active {names} membership on {on}."]
    else:
        lines = ["Party members: no category chosen, so nobody is counted. Choose the party members' category."]
    if counts.question is None:
        lines.append("Women: the branch asks no self-declared gender question.")
    elif not counts.women_values:
        lines.append(f"Women: no answer to “{counts.question.name}” is chosen as counting as a woman.")
    else:
        answers = " or ".join(counts.question.label_of(v) for v in counts.women_values)
        lines.append(
            f"Women: members whose answer to “{counts.question.name}” is {answers}, given by themselves or "
            "recorded with their consent; a withdrawn answer is no answer."
        )
    lines.append(f"Under 27: members whose date of birth makes them under 27 on {on}.")
    if counts.position is not None:
        lines.append(
            f"Last year's delegate: whoever held {counts.position.name} on {format_date(counts.last_year_on)}."
        )
    else:
        lines.append("Last year's delegate: no delegate position chosen.")
    return lines
