"""Cancelling a meeting, with a reason, and telling its invitees by email
once the cancellation has committed."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Invitation, Meeting, MeetingStatus
from ..normalise import one_line
from . import audit

logger = logging.getLogger(__name__)


@transaction.atomic(durable=True)
def cancel_meeting(*, meeting: Meeting, actor, reason: str, at: datetime | None = None) -> Meeting:
    """Cancel, with a reason invitees are told (by email, once the change is
    committed, to those who agreed to email)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the meeting is cancelled; invitees are told.", code="reason_required")
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting is already cancelled.", code="already_cancelled")
    if meeting.status == MeetingStatus.HELD:
        raise Conflict("This meeting has already been held; it cannot be cancelled.", code="held")
    if meeting.closed_at is not None:
        raise Conflict("This meeting is closed: it was held, so it cannot be cancelled.", code="closed")
    old = meeting.status
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.cancelled_at = at or timezone.now()
    meeting.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.MEETING_CANCEL,
        obj=meeting,
        summary=f"Cancelled the meeting “{meeting.title}”",
        changes={"status": {"old": old, "new": MeetingStatus.CANCELLED}, "cancel_reason": {"old": "", "new": reason}},
    )
    transaction.on_commit(lambda: notify_cancellation(meeting))
    return meeting


def notify_cancellation(meeting: Meeting) -> int:
    """Email the meeting's invitees who agreed to email that it is cancelled.
    Returns how many were sent; nothing happens when no one is invited."""
    invitees = (
        Invitation.objects.filter(meeting=meeting, person__consent_email=True)
        .exclude(person__email="")
        .select_related("person")
    )
    when = timezone.localtime(meeting.starts_at, meeting.branch.zone).strftime("%a %-d %b %Y, %H:%M")
    sent = 0
    # One connection for them all; a failure for one invitee does not stop the
    # rest (this runs after the cancellation committed: there is no undoing it).
    connection = get_connection()
    for invitation in invitees:
        person = invitation.person
        try:
            _send_cancellation(meeting, person, when, connection)
        except Exception as exc:  # any transport failure: counted and logged (never the address)
            logger.warning("A cancellation email for meeting %s failed: %s", meeting.pk, type(exc).__name__)
        else:
            sent += 1
    return sent


def _send_cancellation(meeting: Meeting, person, when: str, connection) -> None:
    send_mail(
        subject=one_line(f"Cancelled: {meeting.title} ({when})"),
        message=(
            f"Dear {person.first_name or person.full_name or 'member'},\n\n"
            f"{meeting.branch.name} has cancelled “{meeting.title}”, which was to be held on {when}"
            f"{' at ' + meeting.location if meeting.location else ''}.\n\n"
            f"Reason: {meeting.cancel_reason}\n\n"
            "You are receiving this because you were invited and agreed to be contacted by email."
        ),
        from_email=None,
        recipient_list=[person.email],
        connection=connection,
    )
