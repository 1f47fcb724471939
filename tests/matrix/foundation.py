from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groups.models import RoleName
from groups.services import roles as role_services

from ..factories import RoleFactory
from . import Entry


def _member_role(w):
    return {"slug": w.branch.slug, "role_id": RoleFactory(branch=w.branch, role=RoleName.MEMBER).pk}


def _invitation(w):
    invitation, _ = role_services.invite_to_role(
        branch=w.branch, email="new@example.org", role=RoleName.STEWARD, actor=w.organiser
    )
    return {"slug": w.branch.slug, "invitation_id": invitation.pk}


def _token(w):
    _, token = role_services.invite_to_role(branch=w.branch, email="new@example.org", role="steward", actor=w.organiser)
    return {"token": token}


def _stopped_task(w):
    """A retention run whose worker was killed an hour ago (groups/services/task_runs.py)."""
    long_ago = timezone.now() - timedelta(hours=1)
    result = DBTaskResult.objects.create(
        task_path="groups.services.retention.retention_run",
        args_kwargs={"args": [], "kwargs": {"branch_id": w.branch.pk, "due": long_ago.isoformat()}},
        status="RUNNING",
        started_at=long_ago,
        backend_name="default",
        run_after=long_ago,
    )
    return {"slug": w.branch.slug, "task_id": result.pk}


ENTRIES = {
    "home": Entry(kwargs=lambda w: {}),
    "healthz": Entry(
        kwargs=lambda w: {},
    ),
    # The door's service worker: the same script for everyone, no data (groups/views/door_offline.py).
    "door_service_worker": Entry(kwargs=lambda w: {}),
    "role_invitation_accept": Entry(kwargs=_token),
    "branch_dashboard": Entry(need="view_branch"),
    "role_list": Entry(need="manage_roles"),
    "role_change": Entry(kwargs=_member_role, need="manage_roles", method="post", data=lambda w: {"role": "steward"}),
    "role_remove": Entry(kwargs=_member_role, need="manage_roles", method="post"),
    "role_invitation_revoke": Entry(kwargs=_invitation, need="manage_roles", method="post"),
    "audit_log": Entry(need="view_audit"),
    # The branch may be seen by all its roles; who may run which task again is the task's (its page's) capability.
    "task_run_again": Entry(kwargs=_stopped_task, need="view_branch", method="post"),
}
