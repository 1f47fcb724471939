"""The order of business and its motions: add an agenda item; submit, move,
second, let fall, withdraw a motion (putting it to the vote is
services.votes.create_vote with the motion). Each write is one durable
transaction with its audit row. Who may move and second is
groups.eligibility.voting.may_vote, checked at that moment."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from ..eligibility.voting import may_vote
from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import AgendaItem, AgendaKind, AuditAction, Meeting, Motion, MotionState, Person, QuestionKind
from ..queries.standing_orders import standing_orders_for
from . import audit

MAX_TEXT = 5000
OPEN_STATES = (MotionState.SUBMITTED, MotionState.MOVED, MotionState.SECONDED)


@transaction.atomic(durable=True)
def add_agenda_item(
    *, meeting: Meeting, actor, title: str, kind: str = AgendaKind.BUSINESS, minutes_allowed: int | None = None
) -> AgendaItem:
    """A new item at the end of the agenda."""
    title = " ".join((title or "").split())
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = ["Give the item a title of at most 200 characters."]
    if kind not in AgendaKind.values:
        errors["kind"] = ["Choose a kind of item."]
    if minutes_allowed is not None and not (isinstance(minutes_allowed, int) and 0 < minutes_allowed <= 600):
        errors["minutes_allowed"] = ["Give the minutes allowed as a whole number from 1 to 600, or leave it empty."]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], code="invalid", errors=errors)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one writer numbers the agenda at a time
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("order"))["n"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting, order=last + 1, title=title, kind=kind, minutes_allowed=minutes_allowed
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.AGENDA_ITEM_ADD,
        obj=item,
        summary=f"Agenda item {item.order}: {title}"[:300],
        changes={"meeting": meeting.pk, "kind": kind, "minutes_allowed": minutes_allowed},
    )
    return item


@transaction.atomic(durable=True)
def submit_motion(
    *,
    meeting: Meeting,
    actor,
    text: str,
    kind: str = QuestionKind.MOTION,
    agenda_item: AgendaItem | None = None,
    amends: Motion | None = None,
) -> Motion:
    """A motion (or, with `amends`, an amendment to one) on the order paper.
    An amendment to an amendment only where the standing orders allow it."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(
            f"Write the motion, in at most {MAX_TEXT:,} characters.", code="invalid", errors={"text": ["Write it."]}
        )
    if kind not in QuestionKind.values:
        raise InvalidInput("Choose a kind of question.", code="invalid", errors={"kind": ["Choose one."]})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise InvalidInput("That agenda item is another meeting's.", code="invalid", errors={"agenda_item": ["No."]})
    if amends is not None:
        if amends.meeting_id != meeting.pk:
            raise InvalidInput("That motion is another meeting's.", code="invalid", errors={"amends": ["No."]})
        if amends.state not in OPEN_STATES:
            raise Conflict("That motion has been dealt with: it can no longer be amended.", code="motion_closed")
        if amends.amends_id is not None and not standing_orders_for(meeting.branch).amendment_to_amendment:
            raise NotAllowed(
                "The standing orders do not allow an amendment to an amendment.", code="no_amendment_to_amendment"
            )
        kind = QuestionKind.AMENDMENT
    motion = Motion.objects.create(
        meeting=meeting, text=text, kind=kind, agenda_item=agenda_item, amends=amends, created_by=actor
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.MOTION_SUBMIT,
        obj=motion,
        summary=f"Motion submitted: {text}"[:300],
        changes={"meeting": meeting.pk, "kind": kind, "amends": amends.pk if amends else None},
    )
    return motion


def _locked(motion: Motion) -> Motion:
    return (
        Motion.objects.select_for_update(of=("self",))
        .select_related("meeting__branch", "meeting__attendance_rule", "meeting__voting_rule")
        .get(pk=motion.pk)
    )


def _may_speak_to_it(motion: Motion, person: Person, what: str) -> None:
    decision = may_vote(motion.meeting, person)
    if not decision.eligible:
        raise NotAllowed(
            f"{person} may not {what} this: " + "; ".join(r.rstrip(".") for r in decision.reasons) + ".",
            code="not_entitled",
            decision=decision.as_dict(),
        )


def _need(motion: Motion, *states: str, doing: str) -> None:
    if motion.state not in states:
        raise Conflict(
            f"This motion is {motion.get_state_display().lower()}, so it cannot be {doing}.", code="motion_state"
        )


def _saved(motion: Motion, actor, summary: str, **changes) -> dict:
    """Save the motion; the audit row's fields (each caller names its own action)."""
    motion.save()
    return {
        "actor": actor,
        "branch": motion.meeting.branch,
        "obj": motion,
        "summary": summary[:300],
        "changes": {"state": motion.state, **changes},
    }


@transaction.atomic(durable=True)
def move_motion(*, motion: Motion, actor, mover: Person) -> Motion:
    motion = _locked(motion)
    _need(motion, MotionState.SUBMITTED, doing="moved")
    _may_speak_to_it(motion, mover, "move")
    motion.mover, motion.state = mover, MotionState.MOVED
    audit.record(action=AuditAction.MOTION_MOVE, **_saved(motion, actor, "Moved", person=mover.pk))
    return motion


@transaction.atomic(durable=True)
def second_motion(*, motion: Motion, actor, seconder: Person) -> Motion:
    motion = _locked(motion)
    _need(motion, MotionState.MOVED, doing="seconded")
    if seconder.pk == motion.mover_id:
        raise NotAllowed("The mover cannot second their own motion.", code="own_motion")
    _may_speak_to_it(motion, seconder, "second")
    motion.seconder, motion.state = seconder, MotionState.SECONDED
    audit.record(action=AuditAction.MOTION_SECOND, **_saved(motion, actor, "Seconded", person=seconder.pk))
    return motion


@transaction.atomic(durable=True)
def fall_motion(*, motion: Motion, actor) -> Motion:
    """The chair finds no seconder: the motion falls."""
    motion = _locked(motion)
    _need(motion, MotionState.MOVED, doing="declared fallen")
    motion.state = MotionState.FALLEN
    audit.record(action=AuditAction.MOTION_FALL, **_saved(motion, actor, "Fell for want of a seconder"))
    return motion


@transaction.atomic(durable=True)
def withdraw_motion(*, motion: Motion, actor) -> Motion:
    motion = _locked(motion)
    _need(motion, *OPEN_STATES, doing="withdrawn")
    motion.state = MotionState.WITHDRAWN
    audit.record(action=AuditAction.MOTION_WITHDRAW, **_saved(motion, actor, "Withdrawn"))
    return motion
