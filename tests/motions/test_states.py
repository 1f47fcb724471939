"""Every state a motion can reach, procedural motions with their precedence
and thresholds, movers and seconders by the voting rule, closed meetings."""

from datetime import timedelta

import pytest

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditAction, AuditEvent, MotionState
from groups.services import motions as s
from groups.services.records import close_meeting
from groups.services.standing_orders import set_standing_orders
from groups.services.votes import create_vote

from .helpers import decide, hall, seconded

pytestmark = pytest.mark.django_db


def _state(motion):
    motion.refresh_from_db()
    return motion.state


def test_ruled_out_of_order_needs_the_chairs_reason_and_is_kept(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    motion = s.submit_motion(meeting=meeting, actor=organiser, text="That the treasurer be sacked.")
    with pytest.raises(InvalidInput, match="reason"):
        s.rule_out_of_order(motion=motion, actor=organiser, reason="  ")
    s.rule_out_of_order(motion=motion, actor=organiser, reason="Not within the branch's powers (rule 4.2).")
    motion.refresh_from_db()
    assert motion.state == MotionState.RULED_OUT and motion.ruling_reason.startswith("Not within")
    with pytest.raises(Conflict, match="ruled out of order"):
        s.move_motion(motion=motion, actor=organiser, mover=voters[0])
    event = AuditEvent.objects.get(action=AuditAction.MOTION_RULE_OUT)
    assert event.changes["meeting"] == meeting.pk and "rule 4.2" in event.summary


@pytest.mark.parametrize(
    "act, state",
    [(s.remit_motion, MotionState.REMITTED), (s.refer_back_motion, MotionState.REFERRED_BACK)],
)
def test_remitted_and_referred_back(branch, organiser, act, state):
    meeting, voters, _ = hall(branch, organiser, members=2)
    motion = seconded(meeting, organiser, voters)
    act(motion=motion, actor=organiser)
    assert _state(motion) == state
    with pytest.raises(Conflict):
        create_vote(meeting=meeting, actor=organiser, method="named", motion=motion)


def test_not_reached_only_before_it_was_moved(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    waiting = s.submit_motion(meeting=meeting, actor=organiser, text="That we hold a social.")
    s.not_reached_motion(motion=waiting, actor=organiser)
    assert _state(waiting) == MotionState.NOT_REACHED
    debated = seconded(meeting, organiser, voters)
    with pytest.raises(Conflict, match="seconded, so it cannot be marked not reached"):
        s.not_reached_motion(motion=debated, actor=organiser)


def test_a_supporter_may_neither_move_nor_second_and_is_told_why(branch, organiser):
    meeting, voters, others = hall(branch, organiser, members=2, supporters=1)
    motion = s.submit_motion(meeting=meeting, actor=organiser, text="That supporters may vote.")
    with pytest.raises(NotAllowed) as moving:
        s.move_motion(motion=motion, actor=organiser, mover=others[0])
    reasons = moving.value.details["decision"]["reasons"]
    assert moving.value.code == "not_entitled" and any("Party member" in r for r in reasons)
    assert "may not move this" in moving.value.message and reasons[0].rstrip(".") in moving.value.message
    s.move_motion(motion=motion, actor=organiser, mover=voters[0])
    with pytest.raises(NotAllowed, match="may not second this") as seconding:
        s.second_motion(motion=motion, actor=organiser, seconder=others[0])
    assert seconding.value.details["decision"]["eligible"] is False
    assert _state(motion) == MotionState.MOVED


def test_next_business_takes_precedence_and_when_carried_ends_the_motion(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=4)
    motion = seconded(meeting, organiser, voters)
    nb = s.submit_procedural(meeting=meeting, actor=organiser, procedure="next_business", concerns=motion)
    assert nb.kind == "procedural" and nb.summary.startswith("That the meeting proceed to next business")
    s.move_motion(motion=nb, actor=organiser, mover=voters[2])
    s.second_motion(motion=nb, actor=organiser, seconder=voters[3])
    with pytest.raises(Conflict, match="takes precedence"):
        create_vote(meeting=meeting, actor=organiser, method="named", motion=motion)
    # lower precedence than next business? none; the same procedure again is refused
    again = s.submit_procedural(meeting=meeting, actor=organiser, procedure="next_business", concerns=motion)
    with pytest.raises(Conflict, match="takes precedence"):
        s.move_motion(motion=again, actor=organiser, mover=voters[0])
    # "that the question be now put" ranks above next business: it may be moved now
    closure = s.submit_procedural(meeting=meeting, actor=organiser, procedure="closure", concerns=motion)
    s.move_motion(motion=closure, actor=organiser, mover=voters[0])
    with pytest.raises(Conflict, match="takes precedence"):
        create_vote(meeting=meeting, actor=organiser, method="named", motion=nb)
    s.withdraw_motion(motion=closure, actor=organiser)
    vote = decide(meeting, organiser, nb, voters, yes=3, no=1)
    assert vote.threshold == "simple_majority" and vote.result == "carried"
    assert _state(motion) == MotionState.NEXT_BUSINESS
    assert AuditEvent.objects.filter(action=AuditAction.MOTION_NEXT_BUSINESS, object_id=str(motion.pk)).exists()


def test_suspending_standing_orders_needs_two_thirds_of_those_present(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset="union")
    meeting, voters, _ = hall(branch, organiser, members=6, supporters=0)
    motion = s.submit_procedural(meeting=meeting, actor=organiser, procedure="suspend_standing_orders")
    assert motion.kind == "standing_orders"
    s.move_motion(motion=motion, actor=organiser, mover=voters[0])
    s.second_motion(motion=motion, actor=organiser, seconder=voters[1])
    # 3 for, 0 against: all of those voting, but 3 of 6 present is short of two thirds (4)
    vote = decide(meeting, organiser, motion, voters, yes=3)
    assert (vote.threshold, vote.base, vote.needed, vote.result) == ("two_thirds_present", 6, 4, "lost")
    assert _state(motion) == MotionState.LOST


def test_a_closure_is_decided_by_the_procedural_threshold(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, threshold_procedural="two_thirds")
    meeting, voters, _ = hall(branch, organiser, members=4, supporters=0)
    motion = seconded(meeting, organiser, voters)
    closure = s.submit_procedural(meeting=meeting, actor=organiser, procedure="closure", concerns=motion)
    s.move_motion(motion=closure, actor=organiser, mover=voters[2])
    s.second_motion(motion=closure, actor=organiser, seconder=voters[3])
    vote = decide(meeting, organiser, closure, voters, yes=2, no=1)
    assert (vote.threshold, vote.needed, vote.result) == ("two_thirds", 2, "carried")
    assert _state(motion) == MotionState.SECONDED  # the question is now put: the chair puts it
    decide(meeting, organiser, motion, voters, yes=3)
    assert _state(motion) == MotionState.CARRIED


def test_a_procedural_motion_needs_a_motion_to_be_about(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    with pytest.raises(InvalidInput, match="which motion"):
        s.submit_procedural(meeting=meeting, actor=organiser, procedure="closure")
    with pytest.raises(InvalidInput, match="challenge to the chair is made on the point of order"):
        s.submit_procedural(meeting=meeting, actor=organiser, procedure="challenge")


def test_a_closed_meeting_refuses_every_motion_write(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    waiting = s.submit_motion(meeting=meeting, actor=organiser, text="That we meet again.")
    close_meeting(meeting=meeting, actor=organiser, at=meeting.starts_at + timedelta(hours=2))
    for attempt in (
        lambda: s.submit_motion(meeting=meeting, actor=organiser, text="Late."),
        lambda: s.move_motion(motion=waiting, actor=organiser, mover=voters[0]),
        lambda: s.withdraw_motion(motion=waiting, actor=organiser),
        lambda: s.rule_out_of_order(motion=waiting, actor=organiser, reason="Late"),
        lambda: s.not_reached_motion(motion=waiting, actor=organiser),
        lambda: s.submit_amendment(motion=waiting, actor=organiser, action="delete", words="again"),
    ):
        with pytest.raises(Conflict, match="closed") as exc:
            attempt()
        assert exc.value.code == "meeting_closed"
    assert _state(waiting) == MotionState.SUBMITTED


def test_withdrawal_by_the_rule_the_standing_orders_set(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset="labour")  # consent needed once seconded
    meeting, voters, _ = hall(branch, organiser, members=2)
    moved = s.submit_motion(meeting=meeting, actor=organiser, text="That we buy a banner.")
    s.move_motion(motion=moved, actor=organiser, mover=voters[0])
    s.withdraw_motion(motion=moved, actor=organiser)  # not yet seconded: the mover's own choice
    assert _state(moved) == MotionState.WITHDRAWN
    motion = seconded(meeting, organiser, voters)
    with pytest.raises(NotAllowed, match="only with the meeting's consent") as refused:
        s.withdraw_motion(motion=motion, actor=organiser)
    assert refused.value.code == "consent_needed" and _state(motion) == MotionState.SECONDED
    s.withdraw_motion(motion=motion, actor=organiser, with_consent=True)
    assert _state(motion) == MotionState.WITHDRAWN
    assert AuditEvent.objects.filter(action=AuditAction.MOTION_WITHDRAW, summary__contains="consent").exists()
    set_standing_orders(branch=branch, actor=organiser, preset="simple")
    free = seconded(meeting, organiser, voters, text="That we meet.")
    s.withdraw_motion(motion=free, actor=organiser)
    assert _state(free) == MotionState.WITHDRAWN
