"""Private calendar feeds: a secret address per user for their meetings
(.ics). The token is stored only hashed, so it is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import AuditAction, CalendarFeed
from . import audit


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic(durable=True)
def create_calendar_feed(*, user, at: datetime | None = None) -> tuple[CalendarFeed, str]:
    """A new private feed; any earlier one stops working. Returns the feed and
    the raw token (stored only hashed, so shown once)."""
    now = at or timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=_hash(token), created_at=now)
    audit.record(actor=user, branch=None, action=AuditAction.CALENDAR_FEED_CREATE, obj=feed, at=now)
    return feed, token


@transaction.atomic(durable=True)
def revoke_calendar_feed(*, user, at: datetime | None = None) -> int:
    now = at or timezone.now()
    count = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    if count:
        audit.record(
            actor=user, branch=None, action=AuditAction.CALENDAR_FEED_REVOKE, object_type="calendarfeed", at=now
        )
    return count


def find_calendar_feed(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
