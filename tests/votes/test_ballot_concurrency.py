"""Sixteen taps of "Vote" at the same moment by the same voter: exactly one ballot."""

import threading

import pytest
from django.db import connection, connections

from groups.errors import Conflict
from groups.models import Ballot, VotedMark
from groups.services.votes import cast_ballot

from .helpers import hall, open_one

THREADS = 16

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so threads cannot race there",
    ),
]


@pytest.mark.parametrize("method", ["secret", "named"])
def test_sixteen_concurrent_ballots_by_one_voter_make_one(branch, organiser, method):
    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    vote = open_one(meeting, organiser, method=method)
    barrier = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def tap():
        try:
            barrier.wait(timeout=30)
            cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
            outcomes.append("voted")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) == ["already_voted"] * (THREADS - 1) + ["voted"]
    assert VotedMark.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == (1 if method == "secret" else 0)
