"""Points of order: raised by someone in the room, ruled on with a reason, a
challenge needing the standing orders' number of supporters, and its vote
deciding the ruling — each step in the meeting's log."""

import pytest

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditAction, AuditEvent, MotionState, PointState
from groups.services.points_of_order import challenge_ruling, raise_point, rule_on_point
from groups.services.standing_orders import set_standing_orders
from groups.services.votes import create_vote

from ..factories import person_with_membership
from .helpers import decide, hall

pytestmark = pytest.mark.django_db


def _ruled(meeting, organiser, by):
    point = raise_point(
        meeting=meeting,
        actor=organiser,
        raised_by=by,
        point="The amendment is a direct negative.",
        standing_order="7(c)",
    )
    return rule_on_point(
        point=point, actor=organiser, ruling="The amendment is in order.", reason="It adds a condition."
    )


def test_a_supporter_in_the_room_may_raise_a_point_but_not_someone_absent(branch, organiser):
    meeting, _, others = hall(branch, organiser, members=1, supporters=1)
    point = raise_point(meeting=meeting, actor=organiser, raised_by=others[0], point="We cannot hear.")
    assert point.state == PointState.RAISED
    absent = person_with_membership(branch)
    with pytest.raises(NotAllowed, match="not checked in"):
        raise_point(meeting=meeting, actor=organiser, raised_by=absent, point="Me too.")
    with pytest.raises(InvalidInput):
        raise_point(meeting=meeting, actor=organiser, raised_by=others[0], point=" ")


def test_the_ruling_needs_a_reason_and_is_given_once(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=1, supporters=0)
    point = raise_point(meeting=meeting, actor=organiser, raised_by=voters[0], point="Quorum?")
    with pytest.raises(InvalidInput, match="reason"):
        rule_on_point(point=point, actor=organiser, ruling="We are quorate.", reason="")
    rule_on_point(point=point, actor=organiser, ruling="We are quorate.", reason="31 of 30 needed are here.")
    with pytest.raises(Conflict, match="already ruled"):
        rule_on_point(point=point, actor=organiser, ruling="Again", reason="Again")


def test_a_challenge_needs_the_supporters_the_standing_orders_set(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset="labour")  # challenge_support 2
    meeting, voters, others = hall(branch, organiser, members=4, supporters=1)
    point = _ruled(meeting, organiser, voters[0])
    with pytest.raises(InvalidInput, match="need 2 members to support a challenge"):
        challenge_ruling(point=point, actor=organiser, supporters=[voters[0]])
    with pytest.raises(InvalidInput, match="need 2"):
        challenge_ruling(point=point, actor=organiser, supporters=[voters[0], voters[0]])  # the same person twice
    with pytest.raises(NotAllowed, match="may not support a challenge") as refused:
        challenge_ruling(point=point, actor=organiser, supporters=[voters[0], others[0]])
    assert refused.value.details["decision"]["eligible"] is False
    point = challenge_ruling(point=point, actor=organiser, supporters=[voters[0], voters[1]])
    motion = point.challenge
    assert point.state == PointState.CHALLENGED and set(point.challenge_supporters.all()) == {voters[0], voters[1]}
    assert (motion.procedure, motion.kind, motion.state) == ("challenge", "challenge", MotionState.SECONDED)
    assert (motion.mover, motion.seconder) == (voters[0], voters[1])


@pytest.mark.parametrize("yes, no, state", [(3, 1, PointState.OVERTURNED), (1, 3, PointState.UPHELD)])
def test_the_challenges_vote_decides_the_ruling_and_all_of_it_is_logged(branch, organiser, yes, no, state):
    set_standing_orders(branch=branch, actor=organiser, preset="labour")
    meeting, voters, _ = hall(branch, organiser, members=4, supporters=0)
    point = challenge_ruling(
        point=_ruled(meeting, organiser, voters[0]), actor=organiser, supporters=[voters[0], voters[1]]
    )
    vote = decide(meeting, organiser, point.challenge, voters, yes=yes, no=no)
    assert vote.kind == "challenge" and vote.threshold == "simple_majority"
    point.refresh_from_db()
    assert point.state == state
    log = AuditEvent.objects.filter(changes__meeting=meeting.pk).values_list("action", flat=True)
    for action in (
        AuditAction.POINT_OF_ORDER_RAISE,
        AuditAction.POINT_OF_ORDER_RULE,
        AuditAction.POINT_OF_ORDER_CHALLENGE,
        AuditAction.POINT_OF_ORDER_DECIDED,
    ):
        assert action in log


def test_a_challenge_takes_precedence_over_the_motion_it_interrupts(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset="simple")  # challenge_support 1
    meeting, voters, _ = hall(branch, organiser, members=4, supporters=0)
    from .helpers import seconded

    motion = seconded(meeting, organiser, voters)
    point = challenge_ruling(point=_ruled(meeting, organiser, voters[2]), actor=organiser, supporters=[voters[2]])
    assert point.challenge.seconder is None  # one supporter is enough here
    with pytest.raises(Conflict, match="takes precedence"):
        create_vote(meeting=meeting, actor=organiser, method="named", motion=motion)


def test_a_point_raised_is_in_the_raisers_subject_access(branch, organiser):
    from groups.queries.subject_access import subject_access

    meeting, voters, _ = hall(branch, organiser, members=1, supporters=0)
    raise_point(meeting=meeting, actor=organiser, raised_by=voters[0], point="Is notice given?", standing_order="3")
    (row,) = subject_access(voters[0])["points_of_order"]
    assert (row["point"], row["standing_order"], row["meeting"]["id"]) == ("Is notice given?", "3", meeting.pk)
