from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..eligibility.engine import RuleError, validate
from ..errors import Conflict, InvalidInput
from ..models import AttributeDefinition, AuditAction, Branch, Category, Meeting, Position, Rule, RuleVersion
from . import audit, people_version


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# Presets every new branch starts with (issue 4 adds the editor around them).
PRESET_RULES = [
    ("Everyone", "Anyone may come.", {"everyone": True}),
    ("Party members only", "Active party members.", {"membership": {"categories": ["party-member"]}}),
    (
        "Party members of six months or more",
        "Active party members whose continuous membership is at least six months old on the eligibility date.",
        {"membership": {"categories": ["party-member"], "min_days": 183}},
    ),
    (
        "Youth: party members under 27",
        "Active party members aged 26 or under on the eligibility date.",
        {"all": [{"membership": {"categories": ["party-member"]}}, {"age": {"max": 26}}]},
    ),
]


def create_preset_rules(*, branch: Branch, actor) -> list[Rule]:
    """Called inside create_branch's transaction."""
    now = timezone.now()
    rules = []
    for name, description, definition in PRESET_RULES:
        rule = Rule.objects.create(branch=branch, name=name, description=description, definition=definition)
        RuleVersion.objects.create(
            rule=rule,
            version=1,
            definition=definition,
            changed_by=_user(actor),
            changed_at=now,
        )
        rules.append(rule)
    return rules


def branch_vocabulary(branch: Branch) -> dict:
    """What a rule of this branch may name: its categories, its self-declared
    questions with their answers, its positions (three queries)."""
    return {
        "category_slugs": set(Category.objects.filter(branch=branch).values_list("slug", flat=True)),
        "attributes": {
            d.key: [o.get("value") for o in d.options if isinstance(o, dict)]
            for d in AttributeDefinition.objects.filter(branch=branch)
        },
        "position_slugs": set(Position.objects.filter(branch=branch).values_list("slug", flat=True)),
    }


def _clean(*, branch: Branch, name: str, definition) -> tuple[str, dict]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the rule a name.", code="name_required", field="name")
    if len(name) > 120:
        raise InvalidInput("Keep the rule's name to 120 characters or fewer.", code="name_too_long", field="name")
    try:
        definition = validate(definition, **branch_vocabulary(branch))
    except RuleError as exc:
        where = f" at {exc.path}" if exc.path else ""
        raise InvalidInput(
            f"The rule is not valid{where}: {exc.message}.", code="bad_definition", path=exc.path, field="definition"
        ) from None
    return name, definition


def _name_taken(branch: Branch, name: str, exclude: int | None = None) -> None:
    qs = Rule.objects.filter(branch=branch, name__iexact=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise InvalidInput(
            f"There is already a rule called “{name}”. Choose another name.", code="name_taken", field="name"
        )


@transaction.atomic(durable=True)
def create_rule(*, branch: Branch, name: str, definition, description: str = "", actor) -> Rule:
    """A new rule (version 1), validated against the branch's categories."""
    name, definition = _clean(branch=branch, name=name, definition=definition)
    _name_taken(branch, name)
    rule = Rule.objects.create(branch=branch, name=name, description=(description or "").strip(), definition=definition)
    RuleVersion.objects.create(
        rule=rule, version=1, definition=definition, changed_by=_user(actor), changed_at=timezone.now()
    )
    # Counts are keyed by the definition itself; the version is raised too, so that no
    # writer of rules is ever the one that forgot (groups/services/people_version.py).
    people_version.bump(branch.pk)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.RULE_CREATE,
        obj=rule,
        summary=f"Created rule {name}",
        changes={"definition": {"old": None, "new": definition}, "name": {"old": None, "new": name}},
    )
    return rule


@transaction.atomic(durable=True)
def update_rule(*, rule: Rule, actor, name: str | None = None, description: str | None = None, definition=None) -> Rule:
    """Change a rule. A changed definition becomes a new version; the old
    ones stay readable (meetings record the version that decided)."""
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    name, definition = _clean(
        branch=rule.branch,
        name=rule.name if name is None else name,
        definition=rule.definition if definition is None else definition,
    )
    _name_taken(rule.branch, name, exclude=rule.pk)
    description = rule.description if description is None else description.strip()
    changes = audit.diff(rule, {"name": name, "description": description, "definition": definition})
    if not changes:
        return rule
    rule.name, rule.description = name, description
    if "definition" in changes:
        rule.definition = definition
        rule.version += 1
        RuleVersion.objects.create(
            rule=rule, version=rule.version, definition=definition, changed_by=_user(actor), changed_at=timezone.now()
        )
    rule.save()
    if "definition" in changes:
        people_version.bump(rule.branch_id)
    audit.record(
        actor=actor,
        branch=rule.branch,
        action=AuditAction.RULE_UPDATE,
        obj=rule,
        summary=f"Changed rule {name}" + (f" (now version {rule.version})" if "definition" in changes else ""),
        changes=changes,
    )
    return rule


def meetings_using(rule: Rule) -> int:
    return Meeting.objects.filter(Q(attendance_rule=rule) | Q(voting_rule=rule)).count()


@transaction.atomic(durable=True)
def delete_rule(*, rule: Rule, actor) -> None:
    """Delete a rule no meeting uses."""
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    used = meetings_using(rule)
    if used:
        meetings = "meeting" if used == 1 else "meetings"
        raise Conflict(f"Used by {used} {meetings} — edit it instead.", code="rule_in_use", meetings=used)
    positions = list(Position.objects.filter(holder_rule=rule).values_list("name", flat=True))
    if positions:
        raise Conflict(
            f"It decides who may hold {', '.join(positions)} — choose another rule there first, or edit this one.",
            code="rule_in_use",
            positions=len(positions),
        )
    audit.record(
        actor=actor,
        branch=rule.branch,
        action=AuditAction.RULE_DELETE,
        obj=rule,
        summary=f"Deleted rule {rule.name}",
        changes={"definition": {"old": rule.definition, "new": None}, "name": {"old": rule.name, "new": None}},
    )
    rule.delete()
    people_version.bump(rule.branch_id)
