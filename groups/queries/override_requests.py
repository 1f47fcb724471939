"""Stewards' requests to let someone in, as organisers see them: on the door's
requests page and on the meeting page while the meeting is under way."""

from __future__ import annotations

from ..models import Meeting, OverrideRequest, OverrideStatus


def requests_at(meeting: Meeting, *, latest: int = 50) -> dict[str, list[OverrideRequest]]:
    """The waiting requests, oldest first (the queue at the door), and the
    last ten answered, newest first. Two queries whatever the number."""
    rows = list(
        OverrideRequest.objects.filter(meeting=meeting)
        .select_related("person", "requested_by", "decided_by")
        .order_by("-requested_at", "-id")[:latest]
    )
    return {
        "pending": [r for r in rows if r.status == OverrideStatus.PENDING][::-1],
        "answered": [r for r in rows if r.status != OverrideStatus.PENDING][:10],
    }
