"""Branch pages live under /b/<slug>/. Each concept keeps its own URL list."""

from django.urls import include, path

from .urlconf import (
    agenda,
    counts,
    door,
    elections,
    imports,
    me,
    meetings,
    minutes,
    people,
    positions,
    privacy,
    public,
    reports,
    rules,
    speakers,
    votes,
)
from .views import audit, door_offline, home, roles, task_runs

branch_patterns = [
    path("", home.dashboard, name="branch_dashboard"),
    path("roles/", roles.role_list, name="role_list"),
    path("roles/<int:role_id>/change/", roles.role_change, name="role_change"),
    path("roles/<int:role_id>/remove/", roles.role_remove, name="role_remove"),
    path("roles/invitations/<int:invitation_id>/revoke/", roles.role_invitation_revoke, name="role_invitation_revoke"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("background/<uuid:task_id>/again/", task_runs.task_run_again, name="task_run_again"),
]
# Each concept keeps its own URL module (groups/urlconf/).
for _module in (
    people,
    imports,
    rules,
    meetings,
    door,
    reports,
    me,
    votes,
    speakers,
    positions,
    agenda,
    privacy,
    elections,
    counts,
    minutes,
):
    branch_patterns += _module.branch_patterns

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    # The door's service worker: at the root, so its scope can cover /b/ (groups/views/door_offline.py).
    path("door-sw.js", door_offline.service_worker, name="door_service_worker"),
    path("invitations/<str:token>/", roles.role_invitation_accept, name="role_invitation_accept"),
    path("b/<slug:slug>/", include(branch_patterns)),
]
for _module in (people, imports, rules, meetings, door, reports, me, public, privacy):
    urlpatterns += _module.urlpatterns
