"""How views declare what they need: `@branch_view("manage_people")` resolves
the branch from the URL's `slug`, asks groups.permissions, and passes the
branch on. Views never check roles themselves."""

from __future__ import annotations

from functools import wraps

from django.core.paginator import Paginator

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
