"""Meetings: upcoming and past, replies, and a meeting's rules and quorum in words."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from ..models import Branch, Meeting, MeetingStatus, Reply
from ..models.meetings import AUTO_CLOSE_AFTER
from .rules import rule_summary


def meeting_rule_summary(rule) -> str:
    """A meeting's rule in plain English, from the eligibility engine. None
    means no rule: anyone."""
    if rule is None:
        return "Anyone may come."
    return rule_summary(rule)


def quorum_description(meeting) -> str:
    """How many must be present, in words (CONTRACT.md §4)."""
    number, pct = meeting.quorum, meeting.quorum_percent
    if pct is not None:
        pct_text = f"{pct.normalize():f}% of those eligible to vote"
    if number is not None and pct is not None:
        which = "greater" if meeting.quorum_combine == "greater" else "lesser"
        return f"The {which} of {number:,} people and {pct_text}."
    if number is not None:
        return f"{number:,} {'person' if number == 1 else 'people'} eligible to vote."
    if pct is not None:
        return f"{pct_text[0].upper()}{pct_text[1:]}."
    return "No quorum set."


def meeting_reply_counts(meeting) -> dict[str, int]:
    """Invited and replies from Invitation rows (all 0 when none)."""
    counts = meeting.invitations.aggregate(
        invited=Count("id"),
        yes=Count("id", filter=Q(reply=Reply.YES)),
        no=Count("id", filter=Q(reply=Reply.NO)),
        maybe=Count("id", filter=Q(reply=Reply.MAYBE)),
    )
    counts["no_reply"] = counts["invited"] - counts["yes"] - counts["no"] - counts["maybe"]
    counts["capacity_left"] = None if meeting.capacity is None else max(meeting.capacity - counts["yes"], 0)
    return counts


def under_way(now: datetime) -> Q:
    """Meetings happening now: begun, not closed, and not yet ended (without an
    end time, begun under the 6 hours after which a meeting closes itself)."""
    return Q(starts_at__lte=now, closed_at__isnull=True) & (
        Q(ends_at__gt=now) | Q(ends_at__isnull=True, starts_at__gt=now - AUTO_CLOSE_AFTER)
    )


def upcoming_meetings(branch: Branch, *, now: datetime, include_drafts: bool = True) -> QuerySet[Meeting]:
    """Meetings to come, and those under way (the door and the chair need them tonight)."""
    qs = Meeting.objects.filter(Q(starts_at__gte=now) | under_way(now), branch=branch).select_related("attendance_rule")
    if not include_drafts:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("starts_at", "id")


def past_meetings(branch: Branch, *, now: datetime, include_drafts: bool = True) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(branch=branch, starts_at__lt=now).exclude(under_way(now))
    qs = qs.select_related("attendance_rule")
    if not include_drafts:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("-starts_at", "-id")
