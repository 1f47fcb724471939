"""Stewards asking an organiser for an override, and the organiser's answer.

Where stewards may not override (Branch.stewards_may_override off), the
refused card offers "Ask an organiser": the steward types why, organisers see
it waiting on the door's requests page with the person's Decision, and one tap
approves (they are checked in, override reason "approved by …") or declines."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import AuditAction, Meeting, OverrideRequest, OverrideStatus, Person
from ..models.attendance import CheckInMethod
from ..permissions import can
from . import audit
from .attendance import MAX_REASON, check_in_within


@transaction.atomic(durable=True)
def ask_override(
    *, meeting: Meeting, person: Person, actor, reason: str, decision: dict | None = None, at: datetime | None = None
) -> OverrideRequest:
    """A steward's request. Asking again while one waits returns that one."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say why they should be let in, for the organiser.", code="reason_required")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    if person.branch_id != meeting.branch_id:
        raise NotAllowed("This person is not in this branch.", code="wrong_branch")
    waiting = OverrideRequest.objects.filter(meeting=meeting, person=person, status=OverrideStatus.PENDING).first()
    if waiting is not None:
        return waiting
    at = at or timezone.now()
    request = OverrideRequest.objects.create(
        meeting=meeting,
        person=person,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        requested_at=at,
        reason=reason,
        decision=decision or {},
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.OVERRIDE_ASK,
        obj=request,
        person_id=person.pk,
        summary=f"Override asked for at {meeting.title}",
        changes={"person": person.pk},
        at=at,
    )
    return request


def _pending(request: OverrideRequest, actor) -> OverrideRequest:
    request = OverrideRequest.objects.select_for_update().select_related("meeting__branch", "person").get(pk=request.pk)
    if not can(actor, request.meeting.branch, "override"):
        raise NotAllowed("Only an organiser can answer a request to let someone in.", code="override_not_allowed")
    if request.status != OverrideStatus.PENDING:
        raise Conflict(
            f"This request was already answered: {request.get_status_display().lower()}.", code="already_answered"
        )
    return request


@transaction.atomic(durable=True)
def approve_override(*, request: OverrideRequest, actor, at: datetime | None = None) -> OverrideRequest:
    """Approve and check them in, in one transaction: both or neither."""
    at = at or timezone.now()
    request = _pending(request, actor)
    who = getattr(actor, "email", "") or "an organiser"
    check_in_within(
        meeting=request.meeting,
        person=request.person,
        actor=actor,
        method=CheckInMethod.DOOR,
        override_reason=f"approved by {who}: {request.reason}"[:MAX_REASON],
        at=at,
    )
    _answer(request, actor, OverrideStatus.APPROVED, at)
    return request


@transaction.atomic(durable=True)
def decline_override(*, request: OverrideRequest, actor, at: datetime | None = None) -> OverrideRequest:
    at = at or timezone.now()
    request = _pending(request, actor)
    _answer(request, actor, OverrideStatus.DECLINED, at)
    return request


def _answer(request, actor, status, at) -> None:
    """Store an organiser's answer and its audit row."""
    request.status = status
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.decided_at = at
    request.save(update_fields=["status", "decided_by", "decided_at"])
    approved = status == OverrideStatus.APPROVED
    audit.record(
        actor=actor,
        branch=request.meeting.branch,
        action=AuditAction.OVERRIDE_APPROVE if approved else AuditAction.OVERRIDE_DECLINE,
        obj=request,
        person_id=request.person_id,
        summary=f"Override {'approved' if approved else 'declined'} at {request.meeting.title}",
        changes={"person": request.person_id},
        at=at,
    )
