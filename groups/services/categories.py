from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from ..errors import Conflict, InvalidInput
from ..models import Branch, Category
from . import audit
from .branches import numbered_slug


@transaction.atomic
def create_category(*, branch: Branch, actor, name: str, slug: str = "", description: str = "") -> Category:
    """A new membership category at the end of the branch's list."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the category a name.", code="name_required", field="name")
    if len(name) > Category._meta.get_field("name").max_length:
        raise InvalidInput("Keep the name to 100 characters or fewer.", code="name_too_long", field="name")
    slug = slugify(slug)[:60] or slugify(name)[:60]
    if not slug:  # a name without Latin letters or digits: number it instead
        slug = numbered_slug("category", Category.objects.filter(branch=branch))
    if Category.objects.filter(branch=branch, name__iexact=name).exists():
        raise Conflict(f"There is already a category called “{name}”.", code="name_taken", field="name")
    if Category.objects.filter(branch=branch, slug=slug).exists():
        raise Conflict(
            f"There is already a category with the short name “{slug}”; choose another.",
            code="slug_taken",
            field="slug",
        )
    order = (Category.objects.filter(branch=branch).aggregate(m=Max("order"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            category = Category.objects.create(
                branch=branch, name=name, slug=slug, description=(description or "").strip(), order=order
            )
    except IntegrityError:  # created by someone else between the check and the insert
        raise Conflict(
            "That category was created a moment ago by someone else.", code="slug_taken", field="slug"
        ) from None
    audit.record(
        actor=actor,
        branch=branch,
        action="category.create",
        obj=category,
        summary=f"Added the category {name}",
        changes={"name": {"old": None, "new": name}, "slug": {"old": None, "new": slug}},
    )
    return category
