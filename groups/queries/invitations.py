"""Invitations person by person (issue 11, item 3): everyone invited to a
meeting with their reply and what happened to their email, filtered by reply
and delivery, and the call list: those an organiser should phone because email
did not or cannot reach them, or who have still not answered close to the day."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import Invitation, Meeting, Reply, SendStatus

# Someone who has not answered this close to the meeting is worth a call.
CALL_BEFORE = timedelta(days=2)

REPLY_FILTERS = {
    "yes": Q(reply=Reply.YES),
    "no": Q(reply=Reply.NO),
    "maybe": Q(reply=Reply.MAYBE),
    "none": Q(reply=Reply.NONE),
}
DELIVERY_FILTERS = {
    "emailed": Q(send_status=SendStatus.SENT),
    "failed": Q(send_status=SendStatus.FAILED),
    "no_consent": Q(send_status=SendStatus.NO_CONSENT),
    "no_email": Q(send_status=SendStatus.NO_EMAIL),
    "waiting": Q(send_status__in=[SendStatus.QUEUED, SendStatus.NOT_SENT]),
}
# Why email cannot do the job, as the call list says it.
CALL_REASONS = {
    SendStatus.FAILED: "Email failed",
    SendStatus.NO_CONSENT: "No consent to email",
    SendStatus.NO_EMAIL: "No email address",
}
NO_REPLY_REASON = "No reply yet"


def calls_due(meeting: Meeting, now: datetime) -> bool:
    """From two days before the meeting, everyone who has not answered is on the call list."""
    return now >= meeting.starts_at - CALL_BEFORE


def call_list_q(meeting: Meeting, now: datetime) -> Q:
    """Not answered, and email did not reach them (or it is two days before)."""
    reason = Q(send_status__in=list(CALL_REASONS))
    if calls_due(meeting, now):
        reason = Q()
    return Q(reply=Reply.NONE) & reason


def invited(
    meeting: Meeting, *, reply: str = "", delivery: str = "", calls: bool = False, now: datetime
) -> QuerySet[Invitation]:
    """The meeting's invitations with their person (one query), by surname.
    Unknown filter values are the caller's to refuse; here they filter nothing."""
    qs = Invitation.objects.filter(meeting=meeting)
    if reply in REPLY_FILTERS:
        qs = qs.filter(REPLY_FILTERS[reply])
    if delivery in DELIVERY_FILTERS:
        qs = qs.filter(DELIVERY_FILTERS[delivery])
    if calls:
        qs = qs.filter(call_list_q(meeting, now))
    return qs.select_related("person").order_by("person__last_name", "person__first_name", "id")


def call_reason(invitation: Invitation) -> str:
    """Why this person is on the call list (their email's fate, else no reply)."""
    return CALL_REASONS.get(invitation.send_status, NO_REPLY_REASON)


def on_call_list(invitation: Invitation, *, calls_due: bool) -> bool:
    """call_list_q for one invitation already loaded."""
    return invitation.reply == Reply.NONE and (calls_due or invitation.send_status in CALL_REASONS)


def call_list(meeting: Meeting, *, now: datetime) -> QuerySet[Invitation]:
    return invited(meeting, calls=True, now=now)


def call_count(meeting: Meeting, *, now: datetime) -> int:
    return Invitation.objects.filter(meeting=meeting).filter(call_list_q(meeting, now)).count()


# An invitation queued this long ago and still not sent is taken to be lost (its
# worker died mid-send): sending again queues it again (services/invitations.py). Delivery re-checks
# sent_at under a row lock, so a slow worker never sends it twice.
STALE_QUEUE = timedelta(minutes=30)


def progress(meeting: Meeting, *, failures: int = 50, now: datetime | None = None) -> dict[str, Any]:
    """Counts for the organiser's page (one query) plus up to `failures`
    failed invitations with their reasons (one more). ``stuck``: queued
    longer than STALE_QUEUE ago and still not sent."""
    now = now or timezone.now()
    counts = Invitation.objects.filter(meeting=meeting).aggregate(
        stuck=Count("id", filter=Q(send_status=SendStatus.QUEUED, queued_at__lt=now - STALE_QUEUE)),
        invited=Count("id"),
        sent=Count("id", filter=Q(send_status=SendStatus.SENT)),
        failed=Count("id", filter=Q(send_status=SendStatus.FAILED)),
        no_consent=Count("id", filter=Q(send_status=SendStatus.NO_CONSENT)),
        no_email=Count("id", filter=Q(send_status=SendStatus.NO_EMAIL)),
        queued=Count("id", filter=Q(send_status=SendStatus.QUEUED)),
        not_sent=Count("id", filter=Q(send_status=SendStatus.NOT_SENT)),
        reminded=Count("id", filter=Q(reminded_at__isnull=False)),
        replied=Count("id", filter=~Q(reply=Reply.NONE)),
    )
    counts["skipped"] = counts["no_consent"] + counts["no_email"]
    # Poll for progress only while something is really on its way.
    counts["sending"] = counts["queued"] > counts["stuck"]
    counts["failures"] = list(
        Invitation.objects.filter(meeting=meeting, send_status=SendStatus.FAILED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")[:failures]
    )
    return counts
