"""A secret ballot: try every way to re-link a choice to its voter — order by
every column, row order as stored (SQLite's rowid, PostgreSQL's ctid and
xmin), ids and times — and fail. Twenty voters with a known pattern of
choices: a chance match of one ordering is 1 in 184,756."""

import pytest
from django.db import connection

from groups.models import Ballot, VotedMark
from groups.services.votes import cast_ballot, close_vote

from .helpers import hall, open_one

pytestmark = pytest.mark.django_db

VOTERS = 20
PATTERN = "FAFFAAFAFAAFFFAAFAFA"


@pytest.fixture
def closed_secret_vote(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=VOTERS, supporters=0)
    vote = open_one(meeting, organiser)
    # Ten for and ten against in a fixed irregular pattern: any ordering that
    # follows the voting order shows it.
    truth = {}
    for person, letter in zip(voters, PATTERN, strict=True):
        choice = "for" if letter == "F" else "against"
        cast_ballot(vote=vote, person=person, choice=choice, actor=None)
        truth[person.pk] = choice
    close_vote(vote=vote, actor=organiser)
    return vote, truth


def _voting_order(vote, truth):
    marks = VotedMark.objects.filter(vote=vote).order_by("id")
    return [truth[m.person_id] for m in marks]


def _stored_order(vote, column):
    table = connection.ops.quote_name(Ballot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT choice FROM {table} WHERE vote_id = %s ORDER BY {column}", [vote.pk])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_a_ballot_row_carries_nothing_but_the_vote_and_the_choice():
    assert sorted(f.name for f in Ballot._meta.concrete_fields) == ["choice", "id", "vote"]
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"


def test_no_ordering_of_the_ballots_follows_the_voting_order(closed_secret_vote):
    vote, truth = closed_secret_vote
    order = _voting_order(vote, truth)
    assert order == ["for" if letter == "F" else "against" for letter in PATTERN]
    orderings = [
        list(Ballot.objects.filter(vote=vote).order_by(f).values_list("choice", flat=True))
        for f in ("id", "-id", "vote", "choice")
    ]
    orderings.append(list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)))  # as stored
    physical = ["rowid"] if connection.vendor == "sqlite" else ["ctid", "xmin::text::bigint"]
    orderings += [_stored_order(vote, column) for column in physical]
    for got in orderings:
        assert sorted(got) == sorted(order)
        assert got != order and got != order[::-1]
    assert len(Ballot.objects.filter(vote=vote).order_by("choice").values_list("choice", flat=True)) == VOTERS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's: SQLite has no transaction ids")
def test_no_ballot_shares_a_transaction_id_with_a_voted_mark(closed_secret_vote):
    vote, _ = closed_secret_vote
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {Ballot._meta.db_table} WHERE vote_id = %s", [vote.pk])  # noqa: S608
        ballot_xids = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT xmin::text FROM {VotedMark._meta.db_table} WHERE vote_id = %s", [vote.pk])  # noqa: S608
        mark_xids = {row[0] for row in cursor.fetchall()}
    assert len(ballot_xids) == 1  # all rewritten together at the close
    assert not ballot_xids & mark_xids
