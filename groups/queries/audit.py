"""The audit trail, filtered."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from ..models import AuditEvent, Branch


def audit_events(
    branch: Branch,
    *,
    action: str = "",
    person: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(branch=branch).select_related("actor")
    if action:
        qs = qs.filter(action=action)
    if person:
        qs = qs.filter(person_id=person)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs
