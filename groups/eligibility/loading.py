"""The one fact loader: the facts the engine decides on, read from the database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists

from ..models import Branch, Meeting, MeetingStatus
from .engine import MeetingFacts


def branch_meeting_facts(branch: Branch, *, before: date | None = None, attended_by=None):
    """The branch's meetings as MeetingFacts (local start date in the branch's
    time zone), in one query. With ``before``, only meetings that might have
    started (local date) before that date are fetched. With ``attended_by`` (an
    Attendance queryset correlated on OuterRef("pk")), returns (MeetingFacts,
    attended) pairs instead."""
    tz = branch.zone
    qs = Meeting.objects.filter(branch=branch).order_by()
    # A generous bound in UTC; the exact local-date test happens in Python. The
    # calendar's last days have no day after them (nor a UTC twin): no bound then.
    if before is not None and before < date.max - timedelta(days=2):
        qs = qs.filter(starts_at__lt=datetime.combine(before + timedelta(days=1), time.min, tzinfo=tz))
    if attended_by is not None:
        qs = qs.annotate(went=Exists(attended_by))
        return [
            (
                MeetingFacts(
                    id=pk, starts_on=at.astimezone(tz).date(), cancelled=st == MeetingStatus.CANCELLED
                ),
                went,
            )
            for pk, at, st, went in qs.values_list("id", "starts_at", "status", "went")
        ]
    return [
        MeetingFacts(id=pk, starts_on=at.astimezone(tz).date(), cancelled=st == MeetingStatus.CANCELLED)
        for pk, at, st in qs.values_list("id", "starts_at", "status")
    ]
