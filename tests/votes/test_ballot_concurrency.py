"""Sixteen taps of "Vote" at the same moment by the same voter: exactly one
ballot; sixteen voters at once all count; a close racing ballots counts
what it let in and nothing after; leaving racing a ballot."""

import pytest

from groups.models import Ballot, VotedMark
from groups.queries.votes import live_progress
from groups.services import attendance
from groups.services.votes import cast_ballot, close_vote

from ..concurrency import RACES, race
from .helpers import hall, open_one

THREADS = 16

pytestmark = RACES


@pytest.mark.parametrize("method", ["secret", "named"])
def test_sixteen_concurrent_ballots_by_one_voter_make_one(branch, organiser, method):
    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    vote = open_one(meeting, organiser, method=method)

    def tap():
        cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
        return "voted"

    outcomes = race([tap] * THREADS)
    assert sorted(outcomes) == ["already_voted"] * (THREADS - 1) + ["voted"]
    assert VotedMark.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == (1 if method == "secret" else 0)


def test_sixteen_voters_at_once_all_count_and_progress_is_exact(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=THREADS, supporters=0)
    vote = open_one(meeting, organiser)

    def voter(person):
        return lambda: cast_ballot(vote=vote, person=person, choice="for", actor=None) and "voted"

    outcomes = race([voter(p) for p in voters])
    assert outcomes == ["voted"] * THREADS
    assert live_progress(vote.pk)["text"] == f"{THREADS} of {THREADS} have voted"
    assert Ballot.objects.filter(vote=vote).count() == THREADS


def test_a_close_racing_ballots_counts_every_ballot_it_let_in(branch, organiser):
    """Ballots do not lock each other out, but the close waits for those under
    way and refuses those after it: what is stored is what was counted."""
    meeting, voters, _ = hall(branch, organiser, members=THREADS - 1, supporters=0)
    vote = open_one(meeting, organiser)

    def voter(person):
        return lambda: cast_ballot(vote=vote, person=person, choice="against", actor=None) and "voted"

    def close():
        close_vote(vote=vote, actor=organiser)
        return "closed"

    outcomes = race([voter(p) for p in voters] + [close])
    assert outcomes.count("closed") == 1
    assert set(outcomes) <= {"voted", "closed", "vote_closed"}
    vote.refresh_from_db()
    counted = outcomes.count("voted")
    assert vote.voted == counted == VotedMark.objects.filter(vote=vote).count()
    assert vote.votes_against == counted == Ballot.objects.filter(vote=vote).count()


def test_leaving_while_voting_either_votes_first_or_is_refused(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    vote = open_one(meeting, organiser)
    row = meeting.attendances.get(person=voters[0])

    def leave():
        attendance.mark_left(attendance=row, actor=organiser)
        return "left"

    outcomes = race([lambda: cast_ballot(vote=vote, person=voters[0], choice="for", actor=None) and "voted", leave])
    assert "left" in outcomes
    voted = VotedMark.objects.filter(vote=vote, person=voters[0]).exists()
    assert ("voted" in outcomes) == voted
    assert voted or "not_entitled" in outcomes


def test_sixteen_concurrent_ballots_through_the_apis_statement_make_one(branch, organiser, member):
    from groups.services.votes import cast_own_ballot

    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    voters[0].user = member
    voters[0].save(update_fields=["user"])
    vote = open_one(meeting, organiser)

    def tap():
        mark = cast_own_ballot(
            branch=branch, meeting_id=meeting.pk, vote_id=vote.pk, choice="for", actor=member, drafts_visible=False
        )
        return "voted" if mark is not None else "not_taken"

    outcomes = race([tap] * THREADS)
    assert sorted(outcomes) == ["not_taken"] * (THREADS - 1) + ["voted"]
    assert (VotedMark.objects.filter(vote=vote).count(), Ballot.objects.filter(vote=vote).count()) == (1, 1)


def test_a_close_racing_the_apis_one_statement_counts_every_ballot_it_let_in(branch, organiser, user_factory):
    """On PostgreSQL the API's ballot is one statement in autocommit: its FOR
    KEY SHARE on the vote makes the close wait for those under way, and those
    after it find the vote closed."""
    from groups.services.votes import cast_own_ballot

    meeting, voters, _ = hall(branch, organiser, members=THREADS - 1, supporters=0)
    users = [user_factory() for _ in voters]
    for person, user in zip(voters, users, strict=True):
        person.user = user
        person.save(update_fields=["user"])
    vote = open_one(meeting, organiser)

    def voter(user):
        def cast():
            mark = cast_own_ballot(
                branch=branch, meeting_id=meeting.pk, vote_id=vote.pk, choice="for", actor=user, drafts_visible=False
            )
            return "voted" if mark is not None else "not_taken"

        return cast

    def close():
        close_vote(vote=vote, actor=organiser)
        return "closed"

    outcomes = race([voter(u) for u in users] + [close])
    assert outcomes.count("closed") == 1 and set(outcomes) <= {"voted", "closed", "not_taken"}
    vote.refresh_from_db()
    counted = outcomes.count("voted")
    assert vote.voted == vote.votes_for == counted == VotedMark.objects.filter(vote=vote).count()
    assert Ballot.objects.filter(vote=vote).count() == counted
    audited = vote.meeting.branch.audit_events.filter(action="vote.ballot", object_id=str(vote.pk)).count()
    assert audited == counted
