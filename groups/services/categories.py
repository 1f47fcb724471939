"""Membership categories of a branch: add, rename, reorder, remove."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from ..eligibility.engine import category_slugs
from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Branch, Category, Membership
from . import audit, people_version


def _clean_name(branch: Branch, name: str, *, exclude: Category | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(
            "Give the category a name.", code="name_required", errors={"name": ["Give the category a name."]}
        )
    if len(name) > 100:
        raise InvalidInput(
            "Use at most 100 characters.", code="name_too_long", errors={"name": ["Use at most 100 characters."]}
        )
    clash = Category.objects.filter(branch=branch, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        message = f"This branch already has a category called “{name}”."
        raise InvalidInput(message, code="name_taken", errors={"name": [message]})
    return name


def _free_slug(branch: Branch, name: str, *, exclude: Category | None = None) -> str:
    base = slugify(name)[:50] or "category"
    taken = set(
        Category.objects.filter(branch=branch).exclude(pk=getattr(exclude, "pk", None)).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def rules_naming(category: Category) -> list[str]:
    """The names of the branch's rules whose membership conditions name this
    category (a rule key or another text that happens to equal the slug does not count)."""
    return [
        name
        for name, definition in category.branch.rules.values_list("name", "definition")
        if category.slug in category_slugs(definition)
    ]


def slug_in_use(category: Category) -> bool:
    """Memberships or rules refer to the slug: it must not change under them."""
    return Membership.objects.filter(category=category).exists() or bool(rules_naming(category))


@transaction.atomic(durable=True)
def create_category(*, branch: Branch, actor, name: str, description: str = "") -> Category:
    name = _clean_name(branch, name)
    order = (Category.objects.filter(branch=branch).aggregate(m=Max("order"))["m"] or 0) + 1
    category = Category.objects.create(
        branch=branch, name=name, slug=_free_slug(branch, name), description=(description or "").strip(), order=order
    )
    people_version.bump(branch.pk)  # a rule naming its slug admitted nobody by it until now
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.CATEGORY_CREATE,
        obj=category,
        summary=f"Added the category {name}",
        changes={"name": {"old": None, "new": name}, "slug": {"old": None, "new": category.slug}},
    )
    return category


@transaction.atomic(durable=True)
def rename_category(*, category: Category, actor, name: str, description: str | None = None) -> Category:
    """The slug (used by rules, the API and imports) stays as it is while
    anything uses the category; an unused category's slug follows its new name."""
    category = Category.objects.select_for_update().select_related("branch").get(pk=category.pk)
    name = _clean_name(category.branch, name, exclude=category)
    values = {"name": name}
    if description is not None:
        values["description"] = description.strip()
    if name != category.name and not slug_in_use(category):
        values["slug"] = _free_slug(category.branch, name, exclude=category)
    changes = audit.diff(category, values)
    if not changes:
        return category
    old = category.name
    for field, value in values.items():
        setattr(category, field, value)
    category.save()
    people_version.bump(category.branch_id)  # the slug rules name may have followed the name
    audit.record(
        actor=actor,
        branch=category.branch,
        action=AuditAction.CATEGORY_UPDATE,
        obj=category,
        summary=f"Renamed the category {old} to {name}" if old != name else f"Changed the category {name}",
        changes=changes,
    )
    return category


@transaction.atomic(durable=True)
def move_category(*, category: Category, actor, direction: str) -> Category:
    """Swap with the neighbour above ("up") or below ("down"); orders are
    renumbered 0..n-1 on the way so ties never stall a move."""
    if direction not in ("up", "down"):
        raise InvalidInput("Move a category up or down.", code="bad_direction")
    siblings = list(Category.objects.select_for_update().filter(branch_id=category.branch_id).order_by("order", "name"))
    index = next(i for i, c in enumerate(siblings) if c.pk == category.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for i, c in enumerate(siblings):
        c.order = i
    Category.objects.bulk_update(siblings, ["order"])
    moved = siblings[other] if 0 <= other < len(siblings) else siblings[index]
    audit.record(
        actor=actor,
        branch=moved.branch,
        action=AuditAction.CATEGORY_REORDER,
        obj=moved,
        summary=f"Moved the category {moved.name} {direction}",
        changes={"order": [c.slug for c in siblings]},
    )
    return moved


@transaction.atomic(durable=True)
def delete_category(*, category: Category, actor) -> None:
    """Refused while memberships use it (with how many), or while a rule names it."""
    category = Category.objects.select_for_update().select_related("branch").get(pk=category.pk)
    used = Membership.objects.filter(category=category).count()
    if used:
        raise Conflict(
            f"{used:,} membership{'s use' if used != 1 else ' uses'} this category, so it cannot be removed. "
            "Move or end those memberships first.",
            code="category_in_use",
            memberships=used,
        )
    rules = rules_naming(category)
    if rules:
        raise Conflict(
            f"The rule{'s' if len(rules) != 1 else ''} {', '.join(rules)} name{'s' if len(rules) == 1 else ''} "
            "this category, so it cannot be removed. Change the rule first.",
            code="category_in_rule",
            rules=rules,
        )
    name, pk = category.name, category.pk
    category.delete()
    people_version.bump(category.branch_id)
    audit.record(
        actor=actor,
        branch=category.branch,
        action=AuditAction.CATEGORY_DELETE,
        object_type="category",
        object_id=pk,
        summary=f"Removed the category {name}",
        changes={"name": {"old": name, "new": None}},
    )
