from __future__ import annotations

from django.utils import timezone

from ..models import Branch, Rule, RuleVersion

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
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
            changed_at=now,
        )
        rules.append(rule)
    return rules
