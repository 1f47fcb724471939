"""The base every branch endpoint builds on.

    class PersonViewSet(BranchScopedViewSet):
        permission = {"list": "view_people", "retrieve": "view_people", "create": "manage_people", ...}

        def get_queryset(self):
            return queries.people(self.get_branch())

URLs nest under /api/v1/branches/{branch_slug}/. `permission` is one
capability for every action or a dict action → capability; an action it does
not name raises ImproperlyConfigured (deny by default; a test catches it).
OPTIONS and methods the route lacks (405) need only a role in the branch. `get_branch()` resolves the slug
through groups.permissions.access_branch, once per request: another branch's
slug answers 404, too low a role 403 — the same as the pages. Objects fetched
by id come from `get_queryset()`, which must be scoped to `get_branch()`, so
another branch's id answers 404.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from ...models import Branch
from ...permissions import access_branch
from ..permissions import BranchCapability


class BranchScopedMixin:
    permission: str | dict[str, str] = ""
    permission_classes = [IsAuthenticated, BranchCapability]

    def capability_for(self, action: str | None) -> str:
        if action in (None, "metadata"):
            # A method the route lacks (→ 405) or OPTIONS: still only for people with a role here.
            return "view_branch"
        need = self.permission.get(action or "") if isinstance(self.permission, dict) else self.permission
        if not need:
            raise ImproperlyConfigured(f"{type(self).__name__} names no capability for the action {action!r}.")
        return need

    def get_branch(self) -> Branch:
        if not hasattr(self, "_branch"):
            self._branch = access_branch(
                self.request.user, self.kwargs["branch_slug"], self.capability_for(getattr(self, "action", None))
            )
        return self._branch

    def is_schema_generation(self) -> bool:
        """drf-spectacular builds the schema with a fake view: no branch then."""
        return getattr(self, "swagger_fake_view", False)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_generation():
            context["branch"] = self.get_branch()
        return context


class BranchScopedViewSet(BranchScopedMixin, viewsets.GenericViewSet):
    """Add the mixins for the actions you need (ListModelMixin, …) or write them."""
