"""Refusals at the door, kept on the record.

A refused check-in raises inside check_in's own (durable) transaction, which
rolls back: anything written there would go with it. So `check_in_on_the_record`
(what the door page and the door API call) catches the NotAllowed and calls
`record_refusal`, its own durable transaction, then lets the refusal go on."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import NotAllowed
from ..models import AuditAction, DoorRefusal, Meeting, Person
from ..models.attendance import CheckInMethod
from . import attendance, audit


def check_in_on_the_record(*, meeting: Meeting, person: Person | None, actor, method: str, **details):
    """`attendance.check_in`, with a refusal of a known person kept on the
    record (a guest refused has no person to keep it against). Re-raises."""
    try:
        return attendance.check_in(meeting=meeting, person=person, actor=actor, method=method, **details)
    except NotAllowed as refusal:
        if person is not None:
            record_refusal(meeting=meeting, person=person, actor=actor, refusal=refusal, method=method)
        raise


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
