"""Background tasks that died half-way: seen, said so, and run again.

The database queue (django-tasks-db) marks a task RUNNING when a worker takes
it and never looks at it again: a worker killed part-way (deployed over, out
of memory, the machine restarted) leaves the row RUNNING for ever, and no
fresh worker takes it. Invitations half sent, a reminder never finished, a
retention run or a position re-check that never planned the next day's, a
meeting that never closed itself: each stopped silently.

Here a task RUNNING for longer than its kind ever takes (`STALE_AFTER`) has
stopped. `mark_stopped` (run by `manage.py task_worker` whenever it starts, and
by the pages below before they read) marks it FAILED with a sentence for the
organiser; the page the work belongs to (KINDS) lists it with "Run again".
Running again resumes the work rather than repeating the task as queued:
each task claims its plan before working (the reminder's planned time, the
retention schedule's next run), so the same task queued again would find
nothing to do. Every resume is idempotent: invitations already sent, people
already reminded, a meeting already closed are skipped.

Imports keep their own heartbeat (groups/imports/jobs.py): their page shows
"stopped part-way" from the upload's progress file and runs again from there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from ..errors import Conflict, NotAllowed, RollcallError
from ..models import AuditAction, Branch, Invitation, Meeting, PositionHolder
from ..permissions import can
from . import audit

STOPPED = "groups.services.task_runs.WorkerStopped"


class WorkerStopped(Exception):
    """Stored as a stopped task's exception class: the worker, not the task, failed."""


@dataclass(frozen=True)
class Kind:
    label: str  # what was under way, as the organiser's page names it
    page: str  # "meeting" (the meeting's pages) or "branch" (the branch page below)
    capability: str  # who may run it again
    again: str  # what running again does


KINDS: dict[str, Kind] = {
    "groups.services.invitations.deliver": Kind(
        "Sending invitations or reminders",
        "invitations",
        "manage_meetings",
        "Running it again sends only the emails that have not gone yet.",
    ),
    "groups.services.invitations.remind": Kind(
        "The automatic reminder",
        "invitations",
        "manage_meetings",
        "Running it again reminds only those not reminded yet.",
    ),
    "groups.services.records.auto_close": Kind(
        "Closing the meeting by itself",
        "meeting",
        "manage_meetings",
        "Running it again closes the meeting if it is still due.",
    ),
    "groups.services.retention.retention_run": Kind(
        "The daily retention run",
        "retention",
        "manage_privacy",
        "Running it again applies the schedule now and plans tomorrow's run.",
    ),
    "groups.services.positions.recheck": Kind(
        "The daily re-check of position holders",
        "positions",
        "manage_positions",
        "Running it again re-checks every holder now and plans tomorrow's re-check.",
    ),
}
RESUME = "groups.services.task_runs.resume"

# Longer than the kind ever runs: a batch of 200 emails through a slow mail
# server, a retention run over a large branch. A task still RUNNING after this
# has lost its worker.
STALE_AFTER = timedelta(minutes=30)
# Failures older than this are not shown any more (the queue's rows stay).
SHOWN_FOR = timedelta(days=14)


def kind_of(result: DBTaskResult) -> tuple[str, dict[str, Any]]:
    """The task's path and keyword arguments, seen through a resume."""
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    if result.task_path == RESUME:
        return kwargs.get("task_path", ""), kwargs.get("kwargs") or {}
    return result.task_path, kwargs


def meeting_id_of(path: str, kwargs: dict[str, Any]) -> int | None:
    if kwargs.get("meeting_id"):
        return int(kwargs["meeting_id"])
    if path.endswith(".deliver") and kwargs.get("invitation_ids"):
        # Queued before deliver named its meeting.
        return (
            Invitation.objects.filter(pk__in=kwargs["invitation_ids"][:1]).values_list("meeting_id", flat=True).first()
        )
    return None


def branch_id_of(path: str, kwargs: dict[str, Any]) -> int | None:
    if kwargs.get("branch_id"):
        return int(kwargs["branch_id"])
    meeting_id = meeting_id_of(path, kwargs)
    return Meeting.objects.filter(pk=meeting_id).values_list("branch_id", flat=True).first() if meeting_id else None


def _stopped_message(kind: Kind) -> str:
    return f"{kind.label} stopped part-way: the background worker was stopped or restarted while it ran. {kind.again}"


def mark_stopped(*, now: datetime | None = None) -> int:
    """Mark every task RUNNING for longer than STALE_AFTER as failed, with the
    sentence the organiser's page shows. Returns how many."""
    now = now or timezone.now()
    marked = 0
    with transaction.atomic(durable=True):
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=now - STALE_AFTER
        )
        for result in stale:
            path, kwargs = kind_of(result)
            kind = KINDS.get(path)
            message = _stopped_message(kind) if kind else "The background worker stopped part-way."
            DBTaskResult.objects.filter(pk=result.pk).update(
                status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=STOPPED, traceback=message
            )
            marked += 1
            branch_id = branch_id_of(path, kwargs) if kind else None
            if branch_id:
                audit.record(
                    actor=None,
                    branch=Branch.objects.get(pk=branch_id),
                    action=AuditAction.TASK_STOPPED,
                    object_type="task",
                    object_id=str(result.pk),
                    summary=f"{kind.label} stopped part-way (its worker was stopped); marked failed",
                    changes={"task": path.rsplit(".", 1)[-1], "started_at": result.started_at.isoformat()},
                    at=now,
                )
    return marked


def run_again(*, branch: Branch, actor, task_id: uuid.UUID) -> str:
    """Queue the stopped or failed task `task_id` of this branch to resume, and
    take it off the list. Returns the sentence to show. RollcallError
    (code "not_found") for a task that is not this branch's, NotAllowed for one
    not this actor's to run, Conflict for one that has not stopped."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        result = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        path, kwargs = kind_of(result) if result else ("", {})
        kind = KINDS.get(path)
        if result is None or kind is None or branch_id_of(path, kwargs) != branch.pk:
            raise RollcallError("That background task is not one of this branch’s.", code="not_found")
        if not can(actor, branch, kind.capability):
            raise NotAllowed("You may not run that again.")
        stale = (
            result.status == TaskResultStatus.RUNNING and result.started_at and result.started_at < now - STALE_AFTER
        )
        if result.status != TaskResultStatus.FAILED and not stale:
            raise Conflict("That task has not stopped: it is still running or already finished.")
        result.delete()
        audit.record(
            actor=actor,
            branch=branch,
            action=AuditAction.TASK_RUN_AGAIN,
            object_type="task",
            object_id=str(task_id),
            summary=f"{kind.label}: run again after it stopped part-way",
            changes={"task": path.rsplit(".", 1)[-1]},
            at=now,
        )
    # Queued once the row is gone (as send_invitations queues its batches):
    # a double click finds nothing to run again.
    resume.enqueue(task_path=path, kwargs=kwargs)
    return f"{kind.label} is running again."


@task()
def resume(*, task_path: str, kwargs: dict[str, Any]) -> Any:
    """Resume a stopped task's work (see the module's docstring)."""
    from . import invitations, records, retention
    from . import positions as position_services

    if task_path == "groups.services.invitations.deliver":
        return invitations.deliver_now(
            kwargs["invitation_ids"], base_url=kwargs["base_url"], reminder=kwargs.get("reminder", False)
        )
    if task_path == "groups.services.invitations.remind":
        return invitations.resume_automatic_reminders(meeting_id=kwargs["meeting_id"], base_url=kwargs["base_url"])
    if task_path == "groups.services.records.auto_close":
        return records.close_if_due(meeting_id=kwargs["meeting_id"])
    branch = Branch.objects.get(pk=kwargs["branch_id"])
    if task_path == "groups.services.retention.retention_run":
        now = timezone.now()
        run = retention.apply_retention(branch=branch, at=now)
        retention.clear_expired_sessions(at=now)
        retention.plan_daily_run(branch=branch, now=now)
        return {**run.counts(), "erased": run.erased}
    if task_path == "groups.services.positions.recheck":
        counts = position_services.recheck_holders(branch=branch)
        if PositionHolder.objects.filter(position__branch=branch, ended_on__isnull=True).exists():
            with transaction.atomic():
                position_services.plan_recheck(branch)
        return counts
    raise ValueError(f"Nothing resumes {task_path}")
