"""Closing a meeting freezes its record (CONTRACT.md §5); reopening, with a
reason, unfreezes it. A meeting closes itself AUTO_CLOSE_AFTER its end
through the task queue (`auto_close`, enqueued with run_after when a meeting
is created or moved); a backend that cannot run tasks later (the immediate
one of development and tests) leaves it to `close_due_meetings` (the
`close_meetings` command, and the demo)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Meeting, MeetingRecord, MeetingStatus
from ..queries.records import RECORD_FIELDS, live_figures
from . import audit

logger = logging.getLogger(__name__)

MAX_REASON = 500


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("branch", "attendance_rule", "voting_rule")
        .get(pk=meeting.pk)
    )


def _close(meeting: Meeting, *, actor, at: datetime, automatic: bool) -> MeetingRecord:
    """Freeze the (locked) meeting's record, inside the caller's transaction."""
    figures = live_figures(meeting, with_ids=True)
    record = MeetingRecord.objects.create(
        meeting=meeting, closed_at=at, closed_by=actor if getattr(actor, "is_authenticated", False) else None, **figures
    )
    meeting.closed_at = at
    meeting.save(update_fields=["closed_at", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.MEETING_CLOSE,
        obj=meeting,
        summary=f"Closed the meeting “{meeting.title}”" + (" (by itself, after it ended)" if automatic else ""),
        changes={f: {"old": None, "new": figures[f]} for f in RECORD_FIELDS},
        at=at,
    )
    return record


@transaction.atomic(durable=True)
def close_meeting(*, meeting: Meeting, actor, at: datetime | None = None) -> MeetingRecord:
    """An organiser closes a meeting that has started: its figures are frozen
    as they stand. Conflict when already closed, cancelled or not started."""
    at = at or timezone.now()
    meeting = _locked(meeting)
    if meeting.closed_at is not None:
        raise Conflict("This meeting is already closed; its record is frozen.", code="already_closed")
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled, so it has no record to close.", code="meeting_cancelled")
    if meeting.starts_at > at:
        raise Conflict("This meeting has not started yet; close it once it has.", code="not_started")
    return _close(meeting, actor=actor, at=at, automatic=False)


@transaction.atomic(durable=True)
def reopen_meeting(*, meeting: Meeting, actor, reason: str, at: datetime | None = None) -> Meeting:
    """Reopen a closed meeting, with a reason: its record is live again until
    it is closed once more. The audit event keeps the figures that were frozen."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the meeting is reopened.", code="reason_required")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    at = at or timezone.now()
    meeting = _locked(meeting)
    record = MeetingRecord.objects.filter(meeting=meeting).first()
    if meeting.closed_at is None or record is None:
        raise Conflict("This meeting is not closed.", code="not_closed")
    frozen = {f: getattr(record, f) for f in RECORD_FIELDS}
    record.delete()
    meeting.closed_at = None
    meeting.reopened_at = at
    meeting.save(update_fields=["closed_at", "reopened_at", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.MEETING_REOPEN,
        obj=meeting,
        summary=f"Reopened the meeting “{meeting.title}”",
        changes={"reason": {"old": "", "new": reason}, **{f: {"old": v, "new": None} for f, v in frozen.items()}},
        at=at,
    )
    transaction.on_commit(lambda: schedule_auto_close(meeting))
    return meeting


def is_due(meeting: Meeting, now: datetime) -> bool:
    """Whether the meeting should have closed itself by now."""
    return (
        meeting.closed_at is None
        and meeting.status in (MeetingStatus.PUBLISHED, MeetingStatus.HELD)
        and meeting.closes_by_itself_at <= now
    )


@transaction.atomic(durable=True)
def close_if_due(*, meeting_id: int, at: datetime | None = None) -> bool:
    """Close the meeting by itself if it is due, reading its CURRENT end time
    (it may have moved since the task was queued). Idempotent: a closed,
    cancelled, draft or not-yet-due meeting is left alone. True when closed."""
    at = at or timezone.now()
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return False
    meeting = _locked(meeting)
    if not is_due(meeting, at):
        return False
    _close(meeting, actor=None, at=at, automatic=True)
    return True


@task()
def auto_close(*, meeting_id: int) -> bool:
    """The queued "close 6 hours after it ends" (see close_if_due)."""
    return close_if_due(meeting_id=meeting_id)


def schedule_auto_close(meeting: Meeting) -> bool:
    """Queue auto_close for when the meeting is due (call after the commit that
    created or moved it). Each move queues another; the ones that wake early
    find it not due and do nothing. A backend that cannot run tasks later
    (the immediate one) queues nothing: close_due_meetings does it there."""
    if meeting.closed_at is not None or meeting.status == MeetingStatus.CANCELLED:
        return False
    if not default_task_backend.supports_defer:
        return False
    auto_close.using(run_after=meeting.closes_by_itself_at).enqueue(meeting_id=meeting.pk)
    return True


def close_due_meetings(*, at: datetime | None = None, branch=None) -> int:
    """Close every meeting that is due (where no worker runs auto_close).
    Each in its own transaction; returns how many closed."""
    at = at or timezone.now()
    candidates = Meeting.objects.filter(
        closed_at__isnull=True, status__in=(MeetingStatus.PUBLISHED, MeetingStatus.HELD), starts_at__lte=at
    )
    if branch is not None:
        candidates = candidates.filter(branch=branch)
    closed = 0
    for pk in candidates.order_by("starts_at").values_list("pk", flat=True):
        closed += close_if_due(meeting_id=pk, at=at)
    return closed
