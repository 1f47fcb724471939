"""Each kind of meeting's usual attendance rule: the rule a new meeting of
that kind starts with unless the organiser chooses another."""

from __future__ import annotations

from django.db import transaction

from ..errors import InvalidInput
from ..models import AuditAction, Branch, KindDefault, MeetingKind, Rule
from . import audit

# Which preset rule each kind of meeting starts with (by the preset's name;
# see groups/services/rules.py). Kinds not listed start with no rule (anyone).
DEFAULT_RULE_NAMES = {
    MeetingKind.OPEN: "Everyone",
    MeetingKind.SOCIAL: "Everyone",
    MeetingKind.ORGANISATIONAL: "Party members only",
    MeetingKind.AGM: "Party members only",
    MeetingKind.SELECTION: "Party members only",
    MeetingKind.OTHER: "Everyone",
}


def check_rule(branch: Branch, rule: Rule | None, what: str) -> None:
    """A meeting's (or a kind's) rule must be one of the branch's own."""
    if rule is not None and rule.branch_id != branch.pk:
        raise InvalidInput(f"The {what} must be one of this branch's rules.", code="rule_other_branch")


def create_kind_defaults(*, branch: Branch) -> None:
    """Called inside create_branch's transaction, after the preset rules."""
    rules = {r.name: r for r in Rule.objects.filter(branch=branch, name__in=set(DEFAULT_RULE_NAMES.values()))}
    KindDefault.objects.bulk_create(
        KindDefault(branch=branch, kind=kind, attendance_rule=rules.get(DEFAULT_RULE_NAMES.get(kind, "")))
        for kind in MeetingKind.values
    )


def kind_defaults(branch: Branch) -> dict[str, Rule | None]:
    """{kind: rule or None} for every kind (kinds without a row: no rule)."""
    out: dict[str, Rule | None] = dict.fromkeys(MeetingKind.values)
    for d in KindDefault.objects.filter(branch=branch).select_related("attendance_rule"):
        out[d.kind] = d.attendance_rule
    return out


@transaction.atomic(durable=True)
def set_kind_defaults(*, branch: Branch, defaults: dict[str, Rule | None], actor) -> None:
    current = kind_defaults(branch)
    changes = {}
    for kind, rule in defaults.items():
        if kind not in MeetingKind.values:
            raise InvalidInput("Choose one of the kinds of meeting.", code="bad_kind")
        check_rule(branch, rule, "attendance rule")
        if current.get(kind) != rule:
            KindDefault.objects.update_or_create(branch=branch, kind=kind, defaults={"attendance_rule": rule})
            changes[kind] = {"old": getattr(current.get(kind), "pk", None), "new": getattr(rule, "pk", None)}
    if changes:
        audit.record(
            actor=actor,
            branch=branch,
            action=AuditAction.MEETING_KIND_DEFAULTS,
            object_type="branch",
            object_id=branch.pk,
            summary="Changed the usual attendance rules for kinds of meeting",
            changes=changes,
        )
