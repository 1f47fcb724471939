"""DRF permission classes that ask groups.permissions — the same rules as the
web pages: no role in the branch → 404, a role too low → 403."""

from __future__ import annotations

from rest_framework.permissions import BasePermission


class BranchCapability(BasePermission):
    """For views under /branches/{branch_slug}/: the view says which capability
    each action needs (BranchScopedMixin.capability_for); resolving the branch
    raises 404 or 403 exactly as branch pages do."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # → 401 with WWW-Authenticate: Token
        view.get_branch()
        return True


class StaffMayCreate(BasePermission):
    """Anyone signed in may read; only staff users may create (branches)."""

    message = "Only staff users may create branches."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "action", None) == "create":
            return bool(request.user.is_staff)
        return True
