"""Sixteen taps of "Cast my ballot" at the same moment by one voter: one
ballot; through the long way and the API's (one statement on PostgreSQL)."""

import pytest

from groups.models import AuditEvent, ElectionBallot, ElectionVoterMark
from groups.services.election_ballots import cast_election_ballot, cast_own_election_ballot

from ..concurrency import RACES, race
from .helpers import contested

THREADS = 16

pytestmark = RACES
WAYS = pytest.mark.parametrize("cast", [cast_election_ballot, cast_own_election_ballot], ids=["long", "api"])


@WAYS
def test_sixteen_concurrent_ballots_by_one_voter_make_one(branch, organiser, cast):
    election, nominations, voters = contested(branch, organiser)

    def tap():
        cast(election=election, person=voters[1], ranking=[nominations[0].pk], actor=None)
        return "voted"

    outcomes = race([tap] * THREADS)
    assert sorted(outcomes) == ["already_voted"] * (THREADS - 1) + ["voted"]
    assert ElectionVoterMark.objects.filter(election=election).count() == 1
    assert ElectionBallot.objects.filter(election=election).count() == 1
    assert AuditEvent.objects.filter(action="election.ballot", object_id=str(election.pk)).count() == 1


@WAYS
def test_voters_on_the_roll_racing_the_close_are_counted_or_told_it_closed(branch, organiser, cast):
    # Each ballot is one statement on the roll: the close's lock waits for those under way,
    # and none after it takes a mark without its ballot being counted.
    from groups.models import ElectionEntitlement
    from groups.services.election_ballots import close_ballot

    election, nominations, voters = contested(branch, organiser, candidates=3)
    assert ElectionEntitlement.objects.filter(election=election, person__in=voters).count() == len(voters)
    cast_election_ballot(election=election, person=voters[0], ranking=[nominations[0].pk], actor=None)

    def vote(person):
        def job():
            cast(election=election, person=person, ranking=[nominations[1].pk], actor=None)
            return "voted"

        return job

    def close():
        close_ballot(election=election, actor=None)
        return "closed"

    *outcomes, closed = race([vote(p) for p in voters[1:]] + [close])
    assert closed == "closed"
    assert set(outcomes) <= {"voted", "ballot_closed"} and len(outcomes) == len(voters) - 1
    election.refresh_from_db()
    counted = 1 + outcomes.count("voted")
    assert election.ballots_cast == counted
    assert ElectionVoterMark.objects.filter(election=election).count() == counted
    assert ElectionBallot.objects.filter(election=election).count() == counted
