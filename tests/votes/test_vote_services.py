"""Votes through their services: who may vote, quorum at opening, the
snapshot, one ballot each, a show of hands, the result at close."""

import pytest

from groups.eligibility.voting import may_vote
from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditAction, AuditEvent, Preset, VoteEntitlement, VoteStatus
from groups.queries.votes import named_roll, progress
from groups.services import attendance
from groups.services.standing_orders import set_standing_orders
from groups.services.votes import cast_ballot, close_vote, create_vote, enter_tally, open_vote

from ..factories import person_with_membership
from .helpers import hall, open_one

pytestmark = pytest.mark.django_db


def test_may_vote_needs_checked_in_and_the_voting_rule(branch, organiser):
    meeting, voters, others = hall(branch, organiser)
    assert may_vote(meeting, voters[0]).eligible
    refused = may_vote(meeting, others[0])
    assert not refused.eligible and any("party member" in r.lower() for r in refused.reasons)
    absent = person_with_membership(branch)
    assert may_vote(meeting, absent).reasons == ("Not checked in at this meeting (or marked as having left).",)


def test_someone_let_in_by_override_whom_the_attendance_rule_refuses_does_not_vote(branch, organiser):
    from groups.models import Rule

    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting, _, _ = hall(branch, organiser, members=1, supporters=0, attendance_rule=party, voting_rule=None)
    supporter = person_with_membership(branch, "registered-supporter")
    attendance.check_in(meeting=meeting, person=supporter, actor=organiser, override_reason="Speaker tonight")
    assert not may_vote(meeting, supporter).eligible


def test_the_default_threshold_comes_from_the_standing_orders(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset=Preset.UNION)
    meeting, _, _ = hall(branch, organiser, members=1, supporters=0)
    vote = create_vote(
        meeting=meeting, actor=organiser, question="Suspend standing orders", method="named", kind="standing_orders"
    )
    assert vote.threshold == "two_thirds_present"
    chosen = create_vote(meeting=meeting, actor=organiser, question="Q", method="named", threshold="two_thirds")
    assert chosen.threshold == "two_thirds"


def test_bad_input_is_refused_with_field_errors(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=1, supporters=0)
    with pytest.raises(InvalidInput) as exc:
        create_vote(meeting=meeting, actor=organiser, question="  ", method="raffle", threshold="most")
    assert set(exc.value.details["errors"]) == {"question", "method", "threshold"}


def test_opening_needs_quorum_or_a_recorded_reason(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=2, quorum=3)
    vote = create_vote(meeting=meeting, actor=organiser, question="Q", method="secret")
    with pytest.raises(Conflict) as exc:
        open_vote(vote=vote, actor=organiser)
    assert exc.value.code == "not_quorate" and "2 of 3 needed" in exc.value.message
    vote.refresh_from_db()
    assert vote.status == VoteStatus.DRAFT and not VoteEntitlement.objects.filter(vote=vote).exists()
    vote = open_vote(vote=vote, actor=organiser, override_reason="Snow: agreed to go ahead")
    assert vote.status == VoteStatus.OPEN and vote.override_reason == "Snow: agreed to go ahead"
    event = AuditEvent.objects.get(action=AuditAction.VOTE_OPEN_OVERRIDE)
    assert event.changes["override_reason"] == "Snow: agreed to go ahead"


def test_the_snapshot_leaves_out_late_arrivals_and_non_voters(branch, organiser):
    meeting, voters, others = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    assert set(vote.entitlements.values_list("person_id", flat=True)) == {p.pk for p in voters}
    late = person_with_membership(branch)
    attendance.check_in(meeting=meeting, person=late, actor=organiser)
    with pytest.raises(NotAllowed) as exc:
        cast_ballot(vote=vote, person=late, choice="for", actor=None)
    assert exc.value.code == "not_entitled"
    assert "not checked in and entitled" in exc.value.message
    with pytest.raises(NotAllowed) as exc:
        cast_ballot(vote=vote, person=others[0], choice="for", actor=None)
    assert exc.value.details["decision"]["eligible"] is False


def test_someone_who_left_may_not_vote(branch, organiser):
    meeting, voters, _ = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    row = meeting.attendances.get(person=voters[0])
    attendance.mark_left(attendance=row, actor=organiser)
    with pytest.raises(NotAllowed, match="Not checked in"):
        cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)


def test_one_ballot_each_and_none_once_closed(branch, organiser):
    meeting, voters, _ = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
    with pytest.raises(Conflict) as exc:
        cast_ballot(vote=vote, person=voters[0], choice="against", actor=None)
    assert exc.value.code == "already_voted"
    assert progress(vote)["text"] == "1 of 4 have voted"
    close_vote(vote=vote, actor=organiser)
    with pytest.raises(Conflict) as exc:
        cast_ballot(vote=vote, person=voters[1], choice="for", actor=None)
    assert exc.value.code == "vote_closed"


def test_a_secret_ballot_never_reaches_the_audit_trail(branch, organiser):
    meeting, voters, _ = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    cast_ballot(vote=vote, person=voters[0], choice="against", actor=None)
    event = AuditEvent.objects.get(action=AuditAction.VOTE_BALLOT)
    assert event.person_id == voters[0].pk and event.changes == {} and "against" not in event.summary


def test_a_named_vote_shows_each_choice(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=3)
    vote = open_one(meeting, organiser, method="named")
    for p, c in zip(voters, ["for", "for", "against"], strict=True):
        cast_ballot(vote=vote, person=p, choice=c, actor=None)
    assert sorted(c for _, c in named_roll(vote)) == ["against", "for", "for"]
    vote = close_vote(vote=vote, actor=organiser)
    assert (vote.votes_for, vote.votes_against, vote.voted, vote.entitled, vote.result) == (2, 1, 3, 3, "carried")


def test_a_show_of_hands_cannot_count_more_than_are_entitled_and_present(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=4)
    vote = open_one(meeting, organiser, method="show_of_hands")
    attendance.mark_left(attendance=meeting.attendances.get(person=voters[0]), actor=organiser)
    with pytest.raises(InvalidInput, match="more than the 3 entitled"):
        enter_tally(vote=vote, actor=organiser, votes_for=2, votes_against=1, abstain=1)
    with pytest.raises(InvalidInput, match="Enter the show of hands"):
        close_vote(vote=vote, actor=organiser)
    enter_tally(vote=vote, actor=organiser, votes_for=1, votes_against=1, abstain=1)
    with pytest.raises(Conflict, match="show of hands"):
        cast_ballot(vote=vote, person=voters[1], choice="for", actor=None)
    vote = close_vote(vote=vote, actor=organiser)
    assert vote.result == "lost" and "tie is lost" in vote.explanation


def test_a_tie_with_the_casting_vote_under_labour_rules(branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset=Preset.LABOUR)
    meeting, _, _ = hall(branch, organiser, members=4)
    vote = open_one(meeting, organiser, method="show_of_hands")
    enter_tally(vote=vote, actor=organiser, votes_for=2, votes_against=2, abstain=0)
    vote = close_vote(vote=vote, actor=organiser, casting_vote="for")
    assert vote.result == "carried" and vote.casting_vote == "for"
    assert AuditEvent.objects.get(action=AuditAction.VOTE_CLOSE).changes["casting_vote"] == "for"


def test_a_casting_vote_where_the_standing_orders_give_none_is_refused(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=4)
    vote = open_one(meeting, organiser, method="show_of_hands")
    enter_tally(vote=vote, actor=organiser, votes_for=2, votes_against=2, abstain=0)
    with pytest.raises(InvalidInput, match="no casting vote"):
        close_vote(vote=vote, actor=organiser, casting_vote="for")
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN


def test_closing_a_secret_vote_counts_abstentions_apart(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=5)
    vote = open_one(meeting, organiser, threshold="two_thirds")
    for p, c in zip(voters, ["for", "for", "against", "abstain", "abstain"], strict=True):
        cast_ballot(vote=vote, person=p, choice=c, actor=None)
    vote = close_vote(vote=vote, actor=organiser)
    assert (vote.votes_for, vote.votes_against, vote.abstain, vote.base, vote.needed) == (2, 1, 2, 3, 2)
    assert vote.result == "carried" and vote.voted == 5
