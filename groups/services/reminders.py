"""The automatic reminder's setting, and the sweep that sends reminders whose
time has come (issue 11, item 4). The planning and the task itself live with
the invitations they remind about, in services/invitations.py."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import InvalidInput
from ..models import AuditAction, Meeting
from . import audit
from .invitations import plan_reminder, send_automatic_reminders

MAX_REMIND_DAYS = 60


def send_due_reminders(*, now: datetime | None = None, base_url: str | None = None) -> int:
    """Every automatic reminder whose time has come (for cron, and for task
    backends that cannot wait). Returns how many meetings were reminded."""
    now = now or timezone.now()
    due = list(Meeting.objects.filter(reminder_planned_for__lte=now).values_list("pk", "reminder_planned_for"))
    for pk, when in due:
        send_automatic_reminders(meeting_id=pk, due=when, base_url=base_url, now=now)
    return len(due)


@transaction.atomic(durable=True)
def set_reminder(*, meeting: Meeting, days_before, actor, at: datetime | None = None) -> Meeting:
    """How many days before the meeting the automatic reminder goes (0 = none)."""
    try:
        days = int(days_before)
    except (TypeError, ValueError):
        raise InvalidInput("Give the number of days as a whole number, such as 2.", code="bad_days") from None
    if not 0 <= days <= MAX_REMIND_DAYS:
        raise InvalidInput(f"Choose between 0 (no reminder) and {MAX_REMIND_DAYS} days.", code="bad_days")
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    old = meeting.remind_days_before
    if old != days:
        Meeting.objects.filter(pk=meeting.pk).update(remind_days_before=days)
        meeting.remind_days_before = days
        audit.record(
            actor=actor,
            branch=meeting.branch,
            action=AuditAction.MEETING_UPDATE,
            obj=meeting,
            summary=f"Changed the automatic reminder of “{meeting.title}”",
            changes={"remind_days_before": {"old": old, "new": days}},
            at=at,
        )
    plan_reminder(meeting, now=at)
    return meeting
