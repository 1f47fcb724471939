"""How views declare what they need: `@branch_view("manage_people")` resolves
the branch from the URL's `slug`, asks groups.permissions, and passes the
branch on. Views never check roles themselves."""

from __future__ import annotations

from functools import wraps

from django.core.paginator import Paginator

from ..errors import RollcallError
from ..permissions import access_branch


def branch_view(need: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            branch = access_branch(request.user, slug, need)
            request.branch = branch
            return view(request, branch, *args, **kwargs)

        wrapper.permission = need
        return wrapper

    return decorator


def paginate(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def add_service_error(form, exc: RollcallError, *, field: str | None = None, rows: dict | None = None) -> None:
    """Put a service's refusal on the form the person filled in: each field
    error (InvalidInput(errors={"email": [...]}) or a single `field=` detail)
    beside that field, or at the top of the form when it has no such field;
    an error without fields on `field` (or at the top). `rows` names the
    forms of a formset the service saw as a list: {"memberships": [form, …]}
    puts "memberships.2.started_on" on the third form's started_on."""
    errors = exc.details.get("errors") or {}
    if not errors and exc.details.get("field"):
        errors = {exc.details["field"]: [exc.message]}
    if not errors:
        form.add_error(field if field in form.fields else None, exc.message)
        return
    for key, messages in errors.items():
        target, name = form, key
        group, _, rest = key.partition(".")
        if rows and group in rows and rest:
            index, _, name = rest.partition(".")
            target = rows[group][int(index)]
        for message in messages:
            target.add_error(name if name in target.fields else None, message)
