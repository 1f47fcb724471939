"""The demo's past meetings are closed, their records frozen, as a branch's
would be: each closed by itself 6 hours after it ended."""

from __future__ import annotations

from ..models import RoleName


def close_past_meetings(*, branch, users, rng, people) -> None:
    from django.utils import timezone

    from ..models import Meeting, MeetingStatus
    from ..services.records import close_if_due, close_meeting

    now = timezone.now()
    held = Meeting.objects.filter(branch=branch, status=MeetingStatus.HELD, closed_at__isnull=True)
    for meeting in held.order_by("starts_at"):
        due = meeting.closes_by_itself_at
        if due <= now:
            close_if_due(meeting_id=meeting.pk, at=due)
        elif meeting.starts_at <= now:  # ended under 6 hours ago: the organiser closed it
            close_meeting(meeting=meeting, actor=users[RoleName.ORGANISER], at=now)
