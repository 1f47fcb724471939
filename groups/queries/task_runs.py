"""Background tasks of a branch that stopped part-way, for the page their
work belongs to (groups/services/task_runs.py says how they are found)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ..models import Branch, Meeting
from ..services.task_runs import KINDS, RESUME, SHOWN_FOR, STALE_AFTER, STOPPED, branch_id_of, kind_of, meeting_id_of


def stopped_tasks(
    branch: Branch, *, page: str, meeting: Meeting | None = None, now: datetime | None = None
) -> list[dict]:
    """The stopped or failed tasks shown on `page` ("invitations", "meeting",
    "retention", "positions"), of this meeting where one is given: newest
    first, each {id, label, message, started_at}. Two queries at most for the
    usual handful of rows (one more per batch queued before batches named their meeting)."""
    now = now or timezone.now()
    paths = [path for path, kind in KINDS.items() if kind.page == page]
    rows = DBTaskResult.objects.filter(
        Q(task_path__in=paths) | Q(task_path=RESUME),
        Q(status=TaskResultStatus.RUNNING, started_at__lt=now - STALE_AFTER)
        | Q(status=TaskResultStatus.FAILED, finished_at__gte=now - SHOWN_FOR),
    ).order_by("-started_at")[:50]
    found = []
    for result in rows:
        path, kwargs = kind_of(result)
        kind = KINDS.get(path)
        if kind is None or kind.page != page:
            continue
        if meeting is not None:
            if meeting_id_of(path, kwargs) != meeting.pk:
                continue
        elif branch_id_of(path, kwargs) != branch.pk:
            continue
        if result.status == TaskResultStatus.FAILED and result.exception_class_path == STOPPED:
            message = result.traceback
        elif result.status == TaskResultStatus.FAILED:
            # A task that raised: its error's class only (the traceback can quote personal data).
            message = (
                f"{kind.label} failed with an error ({result.exception_class_path.rsplit('.', 1)[-1]}). {kind.again}"
            )
        else:
            message = (
                f"{kind.label} stopped part-way: it has made no progress for over "
                f"{int(STALE_AFTER.total_seconds() // 60)} minutes (the background worker was stopped or restarted). "
                f"{kind.again}"
            )
        found.append({"id": result.pk, "label": kind.label, "message": message, "started_at": result.started_at})
    return found
