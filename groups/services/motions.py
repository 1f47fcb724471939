"""Motions, amendments and procedural motions: submit; move, second, let fall,
withdraw; rule out of order; record a motion remitted, referred back, sent to
next business or not reached. Putting one to the vote is
services.votes.create_vote with the motion; closing that vote calls
`settle_vote` here (carried / lost, and what follows: a carried amendment
makes the substantive motion, a carried "next business" ends the motion it
was about, a challenge decides the chair's ruling).

Each write is one durable transaction with its audit row; a closed meeting
refuses them all. Who may move and second is groups.eligibility.voting.may_vote,
checked at that moment: supporters never move or second."""

from __future__ import annotations

from django.db import transaction

from .. import amendments
from ..eligibility.voting import may_vote
from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import (
    AgendaItem,
    AuditAction,
    Meeting,
    Motion,
    MotionRevision,
    MotionState,
    Person,
    PointOfOrder,
    PointState,
    Procedure,
    QuestionKind,
)
from ..models.motions import LIVE_STATES, OPEN_STATES, PRECEDENCE, PROCEDURE_KIND
from ..queries.standing_orders import standing_orders_for
from . import audit
from .agenda import refuse_if_closed

MAX_TEXT = 5000
MAX_REASON = 1000


def _meeting_open(meeting: Meeting) -> Meeting:
    fresh = Meeting.objects.select_related("branch").get(pk=meeting.pk)
    refuse_if_closed(fresh)
    return fresh


def _record_submit(motion: Motion, actor) -> None:
    audit.record(
        actor=actor,
        branch=motion.meeting.branch,
        action=AuditAction.MOTION_SUBMIT,
        obj=motion,
        summary=f"Submitted: {motion.summary}"[:300],
        changes={
            "meeting": motion.meeting_id,
            "kind": motion.kind,
            "amends": motion.amends_id,
            "procedure": motion.procedure or None,
            "concerns": motion.concerns_id,
        },
    )


@transaction.atomic(durable=True)
def submit_motion(
    *,
    meeting: Meeting,
    actor,
    text: str,
    kind: str = QuestionKind.MOTION,
    agenda_item: AgendaItem | None = None,
) -> Motion:
    """A motion on the order paper, submitted by an organiser (on a member's behalf)."""
    meeting = _meeting_open(meeting)
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(
            f"Write the motion, in at most {MAX_TEXT:,} characters.", code="invalid", errors={"text": ["Write it."]}
        )
    if kind not in (QuestionKind.MOTION, QuestionKind.STANDING_ORDERS):
        raise InvalidInput(
            "Submit a motion or a change to standing orders here; amendments and procedural motions have their own.",
            code="invalid",
            errors={"kind": ["Choose a motion or a change to standing orders."]},
        )
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise InvalidInput("That agenda item is another meeting's.", code="invalid", errors={"agenda_item": ["No."]})
    motion = Motion.objects.create(meeting=meeting, text=text, kind=kind, agenda_item=agenda_item, created_by=actor)
    _record_submit(motion, actor)
    return motion


@transaction.atomic(durable=True)
def submit_amendment(*, motion: Motion, actor, action: str, words: str = "", with_words: str = "") -> Motion:
    """An amendment to the motion as it now reads: insert, delete or replace
    words. An amendment to an amendment only where the standing orders allow it."""
    target = _locked(motion)
    refuse_if_closed(target.meeting)
    if target.state not in (*OPEN_STATES, MotionState.SECONDED):
        raise Conflict("That motion has been dealt with: it can no longer be amended.", code="motion_closed")
    if target.procedure:
        raise NotAllowed("A procedural motion is not amended: vote it up or down.", code="procedural")
    if target.is_amendment and not standing_orders_for(target.meeting.branch).amendment_to_amendment:
        raise NotAllowed(
            "The standing orders do not allow an amendment to an amendment.", code="no_amendment_to_amendment"
        )
    try:
        text = amendments.apply(target.text, action, words, with_words)
    except amendments.AmendmentError as exc:
        raise InvalidInput(str(exc), code="invalid", errors={"words": [str(exc)]}) from None
    if text == target.text:
        raise InvalidInput("This amendment would change nothing.", code="invalid", errors={"words": ["Nothing."]})
    amendment = Motion.objects.create(
        meeting=target.meeting,
        agenda_item=target.agenda_item,
        amends=target,
        kind=QuestionKind.AMENDMENT,
        text=text,
        base_text=target.text,
        amend_action=action,
        amend_words=" ".join(words.split()),
        amend_with=" ".join(with_words.split()),
        created_by=actor,
    )
    _record_submit(amendment, actor)
    return amendment


@transaction.atomic(durable=True)
def submit_procedural(*, meeting: Meeting, actor, procedure: str, concerns: Motion | None = None) -> Motion:
    """A procedural motion from the floor. "That the question be now put" and
    "next business" are about a motion before the meeting; a challenge to the
    chair is made through the point of order (services.points_of_order)."""
    meeting = _meeting_open(meeting)
    if procedure not in Procedure.values or procedure == Procedure.CHALLENGE:
        raise InvalidInput(
            "Choose a procedural motion (a challenge to the chair is made on the point of order).",
            code="invalid",
            errors={"procedure": ["Choose one."]},
        )
    about = procedure in (Procedure.CLOSURE, Procedure.NEXT_BUSINESS)
    if about:
        if concerns is None or concerns.meeting_id != meeting.pk:
            raise InvalidInput(
                "Say which motion before the meeting it is about.", code="invalid", errors={"concerns": ["Choose one."]}
            )
        if concerns.state not in (MotionState.MOVED, MotionState.SECONDED):
            raise Conflict("That motion is not being debated now.", code="motion_state")
    motion = Motion.objects.create(
        meeting=meeting,
        agenda_item=(concerns.agenda_item if about else meeting.current_item),
        kind=PROCEDURE_KIND[procedure],
        procedure=procedure,
        concerns=concerns if about else None,
        text=Procedure(procedure).label + (f": {concerns.summary}"[:MAX_TEXT] if about else ""),
        created_by=actor,
    )
    _record_submit(motion, actor)
    return motion


def _locked(motion: Motion) -> Motion:
    return (
        Motion.objects.select_for_update(of=("self",))
        .select_related("meeting__branch", "meeting__attendance_rule", "meeting__voting_rule")
        .get(pk=motion.pk)
    )


def _open_locked(motion: Motion) -> Motion:
    motion = _locked(motion)
    refuse_if_closed(motion.meeting)
    return motion


def may_move_or_second(motion: Motion, person: Person, what: str) -> None:
    """Refused, with the Decision's reasons, unless the meeting's voting rule
    admits them at this moment (checked in, not left)."""
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
        "changes": {"meeting": motion.meeting_id, "state": motion.state, **changes},
    }


def _amendment_in_order(amendment: Motion) -> None:
    """Amendments are taken one at a time, against the motion as it reads now."""
    target = Motion.objects.select_for_update().get(pk=amendment.amends_id)
    if target.state not in (MotionState.MOVED, MotionState.SECONDED):
        raise Conflict(
            "The motion this amends is not before the meeting: it must be moved and seconded first.",
            code="motion_state",
        )
    busy = target.amendments.filter(state__in=LIVE_STATES).exclude(pk=amendment.pk).first()
    if busy is not None:
        raise Conflict(
            f"Amendments are taken one at a time: “{busy.summary}” is being dealt with.", code="one_amendment"
        )
    if amendment.base_text != target.text:  # an earlier amendment was carried: apply this one to the new words
        try:
            amendment.text = amendments.apply(
                target.text, amendment.amend_action, amendment.amend_words, amendment.amend_with
            )
        except amendments.AmendmentError as exc:
            raise Conflict(
                f"The motion has been amended since this was written: {exc} The chair may rule it out of order.",
                code="amendment_stale",
            ) from None
        amendment.base_text = target.text


def _procedure_in_order(motion: Motion) -> None:
    """While a procedural motion is being dealt with, none of lower (or the
    same) precedence may be moved."""
    rank = PRECEDENCE[motion.procedure]
    for other in Motion.objects.filter(meeting_id=motion.meeting_id, state__in=LIVE_STATES).exclude(procedure=""):
        if other.pk != motion.pk and PRECEDENCE[other.procedure] <= rank:
            raise Conflict(
                f"“{other.summary}” is before the meeting and takes precedence: deal with it first.",
                code="precedence",
            )


@transaction.atomic(durable=True)
def move_motion(*, motion: Motion, actor, mover: Person) -> Motion:
    motion = _open_locked(motion)
    _need(motion, MotionState.SUBMITTED, doing="moved")
    may_move_or_second(motion, mover, "move")
    if motion.is_amendment:
        _amendment_in_order(motion)
    if motion.procedure:
        _procedure_in_order(motion)
    motion.mover, motion.state = mover, MotionState.MOVED
    audit.record(action=AuditAction.MOTION_MOVE, person_id=mover.pk, **_saved(motion, actor, "Moved", person=mover.pk))
    return motion


@transaction.atomic(durable=True)
def second_motion(*, motion: Motion, actor, seconder: Person) -> Motion:
    motion = _open_locked(motion)
    _need(motion, MotionState.MOVED, doing="seconded")
    if seconder.pk == motion.mover_id:
        raise NotAllowed("The mover cannot second their own motion.", code="own_motion")
    may_move_or_second(motion, seconder, "second")
    motion.seconder, motion.state = seconder, MotionState.SECONDED
    audit.record(
        action=AuditAction.MOTION_SECOND, person_id=seconder.pk, **_saved(motion, actor, "Seconded", person=seconder.pk)
    )
    return motion


@transaction.atomic(durable=True)
def fall_motion(*, motion: Motion, actor) -> Motion:
    """The chair finds no seconder: the motion falls."""
    motion = _open_locked(motion)
    _need(motion, MotionState.MOVED, doing="declared fallen")
    motion.state = MotionState.FALLEN
    audit.record(action=AuditAction.MOTION_FALL, **_saved(motion, actor, "Fell for want of a seconder"))
    return motion


@transaction.atomic(durable=True)
def withdraw_motion(*, motion: Motion, actor, with_consent: bool = False) -> Motion:
    """Withdrawn by its mover (or its proposer, before it is moved), at any
    point before it is put to the vote — once seconded, only with the
    meeting's consent where the standing orders say so."""
    motion = _open_locked(motion)
    _need(motion, *OPEN_STATES, doing="withdrawn")
    needs = standing_orders_for(motion.meeting.branch).withdraw_needs_consent
    if motion.state == MotionState.SECONDED and needs and not with_consent:
        raise NotAllowed(
            "The standing orders let a seconded motion be withdrawn only with the meeting's consent: "
            "ask the meeting, then record that it consented.",
            code="consent_needed",
        )
    motion.state = MotionState.WITHDRAWN
    summary = "Withdrawn" + (" with the meeting's consent" if with_consent else "")
    audit.record(action=AuditAction.MOTION_WITHDRAW, **_saved(motion, actor, summary, with_consent=with_consent))
    return motion


def _reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            f"Give the chair's reason, in at most {MAX_REASON:,} characters.",
            code="invalid",
            errors={"reason": ["Give the reason."]},
        )
    return reason


@transaction.atomic(durable=True)
def rule_out_of_order(*, motion: Motion, actor, reason: str) -> Motion:
    """The chair rules it out of order, saying why: it goes no further."""
    reason = _reason(reason)
    motion = _open_locked(motion)
    _need(motion, *OPEN_STATES, doing="ruled out of order")
    motion.state, motion.ruling_reason = MotionState.RULED_OUT, reason
    audit.record(
        action=AuditAction.MOTION_RULE_OUT, **_saved(motion, actor, f"Ruled out of order: {reason}", reason=reason)
    )
    return motion


@transaction.atomic(durable=True)
def remit_motion(*, motion: Motion, actor) -> Motion:
    """Remitted (to a committee or the executive) by the meeting's decision."""
    motion = _open_locked(motion)
    _need(motion, MotionState.MOVED, MotionState.SECONDED, doing="remitted")
    motion.state = MotionState.REMITTED
    audit.record(action=AuditAction.MOTION_REMIT, **_saved(motion, actor, "Remitted"))
    return motion


@transaction.atomic(durable=True)
def refer_back_motion(*, motion: Motion, actor) -> Motion:
    """Referred back (a report or recommendation sent back to those who made it)."""
    motion = _open_locked(motion)
    _need(motion, MotionState.MOVED, MotionState.SECONDED, doing="referred back")
    motion.state = MotionState.REFERRED_BACK
    audit.record(action=AuditAction.MOTION_REFER_BACK, **_saved(motion, actor, "Referred back"))
    return motion


@transaction.atomic(durable=True)
def not_reached_motion(*, motion: Motion, actor) -> Motion:
    """The meeting ran out of time before reaching it."""
    motion = _open_locked(motion)
    _need(motion, MotionState.SUBMITTED, doing="marked not reached")
    motion.state = MotionState.NOT_REACHED
    audit.record(action=AuditAction.MOTION_NOT_REACHED, **_saved(motion, actor, "Not reached"))
    return motion


def check_may_put(motion: Motion) -> None:
    """Before services.votes.create_vote puts a motion: seconded, no
    procedural motion standing in its way, no amendment to it still being
    dealt with."""
    refuse_if_closed(motion.meeting)
    if motion.state != MotionState.SECONDED:
        raise Conflict(
            f"Only a seconded motion can be put to the vote; this one is {motion.get_state_display().lower()}.",
            code="motion_not_seconded",
        )
    live = Motion.objects.filter(meeting_id=motion.meeting_id, state__in=LIVE_STATES).exclude(pk=motion.pk)
    for other in live.exclude(procedure=""):
        if not motion.procedure or PRECEDENCE[other.procedure] < PRECEDENCE[motion.procedure]:
            raise Conflict(f"“{other.summary}” takes precedence: deal with it before putting this.", code="precedence")
    pending = live.filter(amends_id=motion.pk).first()
    if pending is not None:
        raise Conflict(
            f"Deal with the amendment “{pending.summary}” before putting the motion.", code="amendment_pending"
        )


def settle_vote(*, motion_id: int, carried: bool, actor, at) -> None:
    """The vote on a motion has closed (inside services.votes.close_vote's
    transaction): carried or lost, and what follows from it."""
    motion = Motion.objects.select_for_update().select_related("meeting__branch").get(pk=motion_id)
    motion.state = MotionState.CARRIED if carried else MotionState.LOST
    motion.save(update_fields=["state", "updated_at"])
    branch = motion.meeting.branch
    if carried and motion.is_amendment:
        target = Motion.objects.select_for_update().get(pk=motion.amends_id)
        MotionRevision.objects.create(
            motion=target, amendment=motion, text_before=target.text, text_after=motion.text, at=at
        )
        target.text = motion.text
        target.save(update_fields=["text", "updated_at"])
        audit.record(
            actor=actor,
            branch=branch,
            action=AuditAction.MOTION_AMENDED,
            obj=target,
            at=at,
            summary=f"As amended: {target.text}"[:300],
            changes={"meeting": motion.meeting_id, "amendment": motion.pk, "text": motion.text[:2000]},
        )
    if carried and motion.procedure == Procedure.NEXT_BUSINESS and motion.concerns_id:
        about = Motion.objects.select_for_update().get(pk=motion.concerns_id)
        if about.state in (*OPEN_STATES, MotionState.PUT):
            about.state = MotionState.NEXT_BUSINESS
            about.save(update_fields=["state", "updated_at"])
            audit.record(
                actor=actor,
                branch=branch,
                action=AuditAction.MOTION_NEXT_BUSINESS,
                obj=about,
                at=at,
                summary="Next business carried: not voted on",
                changes={"meeting": motion.meeting_id, "state": about.state, "procedural_motion": motion.pk},
            )
    if motion.procedure == Procedure.CHALLENGE:
        point = PointOfOrder.objects.select_for_update().filter(challenge=motion).first()
        if point is not None:
            point.state = PointState.OVERTURNED if carried else PointState.UPHELD
            point.save(update_fields=["state"])
            audit.record(
                actor=actor,
                branch=branch,
                action=AuditAction.POINT_OF_ORDER_DECIDED,
                obj=point,
                at=at,
                summary=f"The chair's ruling was {'overturned' if carried else 'upheld'}",
                changes={"meeting": motion.meeting_id, "state": point.state, "challenge": motion.pk},
            )
