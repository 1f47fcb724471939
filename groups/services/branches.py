from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Branch, Category, Role, RoleName
from . import audit

DEFAULT_CATEGORIES = [
    ("party-member", "Party member", "A full member of the party."),
    ("registered-supporter", "Registered supporter", "Paid a registration fee to take part in a ballot."),
    ("affiliated-supporter", "Affiliated supporter", "A member of an affiliated trade union or society."),
    ("supporter", "Supporter", "Supports the group but belongs to no party."),
]


def numbered_slug(prefix: str, queryset) -> str:
    """The first free "prefix-N" among the queryset's slugs."""
    n = queryset.count() + 1
    while queryset.filter(slug=f"{prefix}-{n}").exists():
        n += 1
    return f"{prefix}-{n}"


@transaction.atomic(durable=True)
def create_branch(*, name: str, actor, slug: str = "", description: str = "") -> Branch:
    """A new branch with the default categories (and, once rules exist, the
    preset rules); its creator becomes its first organiser."""
    name = name.strip()
    if not name:
        raise InvalidInput(
            "Give the branch a name.", code="name_required", errors={"name": ["Give the branch a name."]}
        )
    slug = slugify(slug)[:60] or slugify(name)[:60]
    if not slug:  # a name without Latin letters or digits ("Αθήνα"): number it instead
        slug = numbered_slug("branch", Branch.objects.all())
    if Branch.objects.filter(slug=slug).exists():
        message = f"A branch called “{slug}” already exists; choose another short name."
        raise Conflict(message, code="slug_taken", errors={"slug": [message]})
    branch = Branch.objects.create(name=name, slug=slug, description=description)
    Category.objects.bulk_create(
        Category(branch=branch, slug=s, name=n, description=d, order=i)
        for i, (s, n, d) in enumerate(DEFAULT_CATEGORIES)
    )
    from .rules import create_preset_rules  # rules build on categories

    create_preset_rules(branch=branch, actor=actor)
    from .kind_defaults import create_kind_defaults  # each kind's usual attendance rule, from the presets

    create_kind_defaults(branch=branch)
    if actor is not None and getattr(actor, "is_authenticated", False):
        Role.objects.create(user=actor, branch=branch, role=RoleName.ORGANISER)
    audit.record(
        actor=actor, branch=branch, action=AuditAction.BRANCH_CREATE, obj=branch, summary=f"Created branch {name}"
    )
    return branch
