"""Logging subject-access requests and their answers (groups/models/subject_access.py)."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Person, SubjectAccessRequest
from . import audit


def one_month_after(day: date) -> date:
    """The same day of the next month, or its last day when it has no such day
    (31 January → 28 or 29 February): the deadline of Art. 12(3)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic(durable=True)
def log_request(*, person: Person, actor, received_on: date, at: datetime | None = None) -> SubjectAccessRequest:
    """An organiser notes that the person asked for their data, and when."""
    at = at or timezone.now()
    today = person.branch.today(at)
    if received_on > today:
        raise InvalidInput(
            "The date it was received cannot be in the future.", code="invalid", errors={"received_on": ["Not yet."]}
        )
    request = SubjectAccessRequest.objects.create(
        person=person, received_on=received_on, due_on=one_month_after(received_on), logged_by=actor, logged_at=at
    )
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.SUBJECT_ACCESS_LOG,
        obj=request,
        person_id=person.pk,
        summary=f"Subject-access request received on {received_on:%d %b %Y}, due by {request.due_on:%d %b %Y}",
        changes={"received_on": received_on.isoformat(), "due_on": request.due_on.isoformat()},
        at=at,
    )
    return request


@transaction.atomic(durable=True)
def mark_answered(*, request: SubjectAccessRequest, actor, at: datetime | None = None) -> SubjectAccessRequest:
    at = at or timezone.now()
    request = SubjectAccessRequest.objects.select_for_update().select_related("person__branch").get(pk=request.pk)
    if request.answered_on is not None:
        raise Conflict(f"This request was answered on {request.answered_on:%d %b %Y}.", code="already_answered")
    request.answered_on = request.person.branch.today(at)
    request.save(update_fields=["answered_on"])
    audit.record(
        actor=actor,
        branch=request.person.branch,
        action=AuditAction.SUBJECT_ACCESS_ANSWERED,
        obj=request,
        person_id=request.person_id,
        summary=f"Subject-access request answered on {request.answered_on:%d %b %Y}",
        changes={"answered_on": request.answered_on.isoformat()},
        at=at,
    )
    return request
