"""Sixteen taps of "Cast my ballot" at the same moment by one voter: one ballot."""

from groups.models import ElectionBallot, ElectionVoterMark
from groups.services.election_ballots import cast_election_ballot

from ..concurrency import RACES, race
from .helpers import contested

THREADS = 16

pytestmark = RACES


def test_sixteen_concurrent_ballots_by_one_voter_make_one(branch, organiser):
    election, nominations, voters = contested(branch, organiser)

    def tap():
        cast_election_ballot(election=election, person=voters[1], ranking=[nominations[0].pk], actor=None)
        return "voted"

    outcomes = race([tap] * THREADS)
    assert sorted(outcomes) == ["already_voted"] * (THREADS - 1) + ["voted"]
    assert ElectionVoterMark.objects.filter(election=election).count() == 1
    assert ElectionBallot.objects.filter(election=election).count() == 1
