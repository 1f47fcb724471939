from django.contrib import admin

from .models import AuditEvent, Branch, Role


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request):
        # New branches go through create_branch (categories, presets, first organiser).
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "branch", "role"]
    list_filter = ["role", "branch"]

    # Role changes go through groups.services.roles (last-organiser check, audit).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "branch", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "branch"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
