"""A ballot is taken on the snapshot alone (no Decision on the way in), so the
snapshot must stay true: leaving or an undone check-in withdraws a person's
entitlement in the open votes, in the same transaction; checking in again
restores it; a closed vote refuses; a refusal still says why, with the
Decision's reasons."""

import pytest
from django.utils import timezone

from groups.errors import Conflict, NotAllowed
from groups.models import AuditAction, AuditEvent, Ballot, Rule, VotedMark, VoteEntitlement
from groups.queries.votes import live_progress, progress, vote_in_meeting
from groups.services import attendance
from groups.services.votes import cast_ballot, close_vote

from ..factories import person_with_membership
from .helpers import hall, open_one

pytestmark = pytest.mark.django_db


def _row(meeting, person):
    return meeting.attendances.get(person=person)


def test_leaving_withdraws_the_entitlement_in_every_open_vote_and_only_those(branch, organiser):
    meeting, voters, _ = hall(branch, organiser)
    done = open_one(meeting, organiser)
    close_vote(vote=done, actor=organiser)
    first, second = open_one(meeting, organiser), open_one(meeting, organiser, method="named")
    attendance.mark_left(attendance=_row(meeting, voters[0]), actor=organiser)
    live = VoteEntitlement.objects.filter(person=voters[0], withdrawn_at__isnull=True)
    assert set(live.values_list("vote_id", flat=True)) == {done.pk}  # a closed vote's record is not rewritten
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_LEFT)
    assert event.changes["open_votes_withdrawn"] == 2
    for vote in (first, second):
        with pytest.raises(NotAllowed) as exc:
            cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
        assert exc.value.code == "not_entitled"
        assert exc.value.details["decision"]["reasons"] == [
            "Not checked in at this meeting (or marked as having left)."
        ]
    # The snapshot still counts them: "N of M" and the result's base are those entitled when it opened.
    assert progress(vote_in_meeting(meeting, first.pk))["text"] == "0 of 4 have voted"
    assert live_progress(first.pk)["text"] == "0 of 4 have voted"


def test_an_undone_check_in_withdraws_it_and_checking_in_again_restores_it(branch, organiser):
    meeting, voters, _ = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    attendance.undo_check_in(attendance=_row(meeting, voters[1]), actor=organiser, reason="Wrong person")
    assert AuditEvent.objects.get(action=AuditAction.ATTENDANCE_UNDO).changes["open_votes_withdrawn"] == 1
    with pytest.raises(NotAllowed) as exc:
        cast_ballot(vote=vote, person=voters[1], choice="for", actor=None)
    assert exc.value.code == "not_entitled" and "Not checked in" in exc.value.message
    assert not VotedMark.objects.exists() and not Ballot.objects.exists()
    attendance.check_in(meeting=meeting, person=voters[1], actor=organiser)  # the undo was the mistake
    assert AuditEvent.objects.get(action=AuditAction.ATTENDANCE_REOPEN).changes["open_votes_restored"] == 1
    cast_ballot(vote=vote, person=voters[1], choice="for", actor=None)
    assert live_progress(vote.pk)["text"] == "1 of 4 have voted"


def test_checking_in_again_restores_nothing_the_rules_refuse_or_the_snapshot_lacks(branch, organiser):
    meeting, voters, others = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    # A supporter was never in the snapshot: an undo and a re-check-in give them nothing.
    attendance.undo_check_in(attendance=_row(meeting, others[0]), actor=organiser, reason="Mistake")
    attendance.check_in(meeting=meeting, person=others[0], actor=organiser)
    assert not VoteEntitlement.objects.filter(vote=vote, person=others[0]).exists()
    # A member whose entitlement was withdrawn, checked in again when the voting
    # rule no longer admits them (their membership was removed): stays withdrawn.
    attendance.undo_check_in(attendance=_row(meeting, voters[0]), actor=organiser, reason="Mistake")
    voters[0].memberships.all().delete()
    attendance.check_in(meeting=meeting, person=voters[0], actor=organiser)
    assert VoteEntitlement.objects.get(vote=vote, person=voters[0]).withdrawn_at is not None
    with pytest.raises(NotAllowed) as exc:
        cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
    reasons = exc.value.details["decision"]["reasons"]
    assert exc.value.code == "not_entitled" and reasons and all("Not checked in" not in r for r in reasons)


def test_a_refusal_names_the_snapshot_and_the_decisions_reasons(branch, organiser):
    meeting, _, others = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    with pytest.raises(NotAllowed) as exc:
        cast_ballot(vote=vote, person=others[0], choice="for", actor=None)
    reasons = exc.value.details["decision"]["reasons"]
    assert reasons[0] == "You were not checked in and entitled to vote when this vote opened."
    assert any("party member" in r.lower() for r in reasons[1:])  # why: the voting rule


def test_a_steward_overridden_entrant_is_refused_with_the_voting_rules_reasons(branch, organiser):
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting, _, _ = hall(branch, organiser, members=3, supporters=0, attendance_rule=party, voting_rule=party)
    supporter = person_with_membership(branch, "registered-supporter")
    attendance.check_in(meeting=meeting, person=supporter, actor=organiser, override_reason="Speaker tonight")
    vote = open_one(meeting, organiser)
    with pytest.raises(NotAllowed) as exc:
        cast_ballot(vote=vote, person=supporter, choice="for", actor=None)
    assert exc.value.code == "not_entitled"
    assert any("party member" in r.lower() for r in exc.value.details["decision"]["reasons"])


def test_no_ballot_is_taken_once_the_vote_is_closed(branch, organiser):
    meeting, voters, _ = hall(branch, organiser)
    vote = open_one(meeting, organiser)
    cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
    closed = close_vote(vote=vote, actor=organiser, at=timezone.now())
    with pytest.raises(Conflict) as exc:
        cast_ballot(vote=vote, person=voters[1], choice="against", actor=None)
    assert exc.value.code == "vote_closed"
    assert (VotedMark.objects.filter(vote=vote).count(), Ballot.objects.filter(vote=vote).count()) == (1, 1)
    assert closed.voted == 1 and closed.votes_for == 1
    # Leaving after the close does not touch the closed vote's record.
    attendance.mark_left(attendance=_row(meeting, voters[2]), actor=organiser)
    assert not VoteEntitlement.objects.filter(vote=vote, withdrawn_at__isnull=False).exists()


def test_a_ballot_before_the_vote_opens_is_refused(branch, organiser):
    from groups.services.votes import create_vote

    meeting, voters, _ = hall(branch, organiser)
    draft = create_vote(meeting=meeting, actor=organiser, question="Q", method="secret")
    with pytest.raises(Conflict) as exc:
        cast_ballot(vote=draft, person=voters[0], choice="for", actor=None)
    assert exc.value.code == "vote_closed" and "has not opened yet" in exc.value.message


def test_ballot_ids_do_not_follow_the_voting_order_while_the_vote_is_open(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=20, supporters=0)
    vote = open_one(meeting, organiser)
    pattern = "FAFFAAFAFAAFFFAAFAFA"
    for person, letter in zip(voters, pattern, strict=True):
        cast_ballot(vote=vote, person=person, choice="for" if letter == "F" else "against", actor=None)
    order = ["for" if letter == "F" else "against" for letter in pattern]
    by_id = list(Ballot.objects.filter(vote=vote).order_by("id").values_list("choice", flat=True))
    assert sorted(by_id) == sorted(order) and by_id not in (order, order[::-1])  # random UUIDs
