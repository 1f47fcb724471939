"""Refusals at the door, kept on the record.

A refused check-in raises inside check_in's own (durable) transaction, which
rolls back: anything written there would go with it. So the view and the API
catch the NotAllowed and call `record_refusal`, its own durable transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import NotAllowed
from ..models import AuditAction, DoorRefusal, Meeting, Person
from ..models.attendance import CheckInMethod
from . import audit


@transaction.atomic(durable=True)
def record_refusal(
    *,
    meeting: Meeting,
    person: Person,
    actor,
    refusal: NotAllowed,
    method: str = CheckInMethod.DOOR,
    at: datetime | None = None,
) -> DoorRefusal:
    """Keep one refusal: who, when, which steward, how, and the Decision."""
    at = at or timezone.now()
    row = DoorRefusal.objects.create(
        meeting=meeting,
        person=person,
        refused_at=at,
        refused_by=actor if getattr(actor, "is_authenticated", False) else None,
        method=method if method in CheckInMethod.values else CheckInMethod.DOOR,
        code=refusal.code[:40],
        message=refusal.message,
        decision=refusal.details.get("decision") or {},
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_REFUSED,
        obj=row,
        person_id=person.pk,
        summary=f"Refused at the door of {meeting.title}",
        changes={"person": person.pk, "code": row.code, "method": row.method},
        at=at,
    )
    return row
