"""Points of order: raised by someone in the room (citing a standing order),
ruled on by the chair with a reason, and a ruling challenged — with the
number of supporters the standing orders set — by a procedural motion the
chair then puts to the vote (services.votes; its result is settled by
services.motions.settle_vote). Each step is one durable transaction with its
audit row in the meeting's log; a closed meeting refuses them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import (
    Attendance,
    AuditAction,
    Meeting,
    Motion,
    MotionState,
    Person,
    PointOfOrder,
    PointState,
    Procedure,
    QuestionKind,
)
from ..models.motions import LIVE_STATES
from ..queries.standing_orders import standing_orders_for
from . import audit
from .agenda import refuse_if_closed
from .motions import may_move_or_second

MAX_TEXT = 2000


def _text(value: str | None, field: str, what: str, limit: int = MAX_TEXT, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if (required and not value) or len(value) > limit:
        raise InvalidInput(f"{what}, in at most {limit:,} characters.", code="invalid", errors={field: [what + "."]})
    return value


def _here(meeting: Meeting, person: Person) -> bool:
    return Attendance.objects.filter(
        meeting=meeting, person=person, undone_at__isnull=True, left_at__isnull=True
    ).exists()


@transaction.atomic(durable=True)
def raise_point(
    *, meeting: Meeting, actor, raised_by: Person, point: str, standing_order: str = "", motion: Motion | None = None
) -> PointOfOrder:
    """A point of order from someone checked in (anyone who may speak: a
    supporter too), about the business now before the meeting."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    refuse_if_closed(meeting)
    point = _text(point, "point", "Say what the point of order is")
    standing_order = _text(standing_order, "standing_order", "Name the standing order", 200, required=False)
    if raised_by.branch_id != meeting.branch_id or not _here(meeting, raised_by):
        raise NotAllowed(
            f"{raised_by} is not checked in at this meeting, so cannot raise a point of order.",
            # A refusal, not a field error: the API answers it as 403 {"detail", "code"} like every other one.
            code="not_here",
        )
    if motion is not None and motion.meeting_id != meeting.pk:
        raise InvalidInput("That motion is another meeting's.", code="invalid", errors={"motion": ["No."]})
    row = PointOfOrder.objects.create(
        meeting=meeting,
        agenda_item_id=meeting.current_item_id,
        motion=motion,
        raised_by=raised_by,
        standing_order=standing_order,
        point=point,
        raised_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.POINT_OF_ORDER_RAISE,
        obj=row,
        person_id=raised_by.pk,
        at=row.raised_at,
        summary=f"Point of order{f' (standing order {standing_order})' if standing_order else ''}: {point}"[:300],
        changes={"meeting": meeting.pk, "standing_order": standing_order, "point": point, "motion": row.motion_id},
    )
    return row


def _locked(point: PointOfOrder) -> PointOfOrder:
    point = (
        PointOfOrder.objects.select_for_update(of=("self",))
        .select_related("meeting__branch", "meeting__attendance_rule", "meeting__voting_rule")
        .get(pk=point.pk)
    )
    refuse_if_closed(point.meeting)
    return point


@transaction.atomic(durable=True)
def rule_on_point(*, point: PointOfOrder, actor, ruling: str, reason: str) -> PointOfOrder:
    """The chair's ruling, and why."""
    ruling = _text(ruling, "ruling", "Give the chair's ruling", 300)
    reason = _text(reason, "reason", "Give the reason for the ruling")
    point = _locked(point)
    if point.state != PointState.RAISED:
        raise Conflict("The chair has already ruled on this point of order.", code="already_ruled")
    point.state, point.ruling, point.ruling_reason = PointState.RULED, ruling, reason
    point.ruled_at, point.ruled_by = timezone.now(), actor
    point.save(update_fields=["state", "ruling", "ruling_reason", "ruled_at", "ruled_by"])
    audit.record(
        actor=actor,
        branch=point.meeting.branch,
        action=AuditAction.POINT_OF_ORDER_RULE,
        obj=point,
        at=point.ruled_at,
        summary=f"Ruling: {ruling} — {reason}"[:300],
        changes={"meeting": point.meeting_id, "ruling": ruling, "reason": reason},
    )
    return point


@transaction.atomic(durable=True)
def challenge_ruling(*, point: PointOfOrder, actor, supporters: list[Person]) -> PointOfOrder:
    """A challenge to the chair's ruling, supported by at least as many members
    as the standing orders require (each admitted by the voting rule now).
    It becomes the procedural motion "that the chair's ruling be challenged",
    moved by the first supporter and seconded by the second, ready for the
    chair to put to the vote: carried overturns the ruling."""
    point = _locked(point)
    if point.state != PointState.RULED:
        word = "has not been ruled on yet" if point.state == PointState.RAISED else "has already been challenged"
        raise Conflict(f"This point of order {word}.", code="point_state")
    people = list(dict.fromkeys(supporters))
    need = standing_orders_for(point.meeting.branch).challenge_support
    if len(people) < need:
        raise InvalidInput(
            f"The standing orders need {need} member{'s' if need != 1 else ''} to support a challenge to the chair; "
            f"{len(people)} given.",
            code="too_few_supporters",
            errors={"supporters": [f"The standing orders need {need} to support a challenge; {len(people)} given."]},
        )
    stub = Motion(meeting=point.meeting)
    for person in people:
        if person.branch_id != point.meeting.branch_id:
            raise InvalidInput("A supporter is not a member of this branch.", code="invalid")
        may_move_or_second(stub, person, "support a challenge to")
    busy = Motion.objects.filter(meeting=point.meeting, procedure=Procedure.CHALLENGE, state__in=LIVE_STATES).first()
    if busy is not None:
        raise Conflict("Another challenge to the chair is being dealt with: one at a time.", code="precedence")
    motion = Motion.objects.create(
        meeting=point.meeting,
        agenda_item=point.agenda_item,
        kind=QuestionKind.CHALLENGE,
        procedure=Procedure.CHALLENGE,
        concerns=point.motion,
        text=f"That the chair's ruling be challenged: “{point.ruling}”"[:5000],
        mover=people[0],
        seconder=people[1] if len(people) > 1 else None,
        state=MotionState.SECONDED,
        created_by=actor,
    )
    point.state, point.challenge = PointState.CHALLENGED, motion
    point.save(update_fields=["state", "challenge"])
    point.challenge_supporters.set(people)
    audit.record(
        actor=actor,
        branch=point.meeting.branch,
        action=AuditAction.POINT_OF_ORDER_CHALLENGE,
        obj=point,
        summary=f"Ruling challenged by {len(people)} member{'s' if len(people) != 1 else ''} (needed {need})",
        changes={
            "meeting": point.meeting_id,
            "supporters": [p.pk for p in people],
            "needed": need,
            "motion": motion.pk,
        },
    )
    return point
