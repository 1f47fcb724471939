"""An election's secret ballot: try to re-link a ballot to its voter — by
every column, by row order as stored (rowid, ctid, xmin) — and fail. Twenty
voters with a known irregular pattern of first preferences."""

import pytest
from django.db import connection

from groups.models import ElectionBallot, ElectionVoterMark
from groups.services.election_ballots import cast_election_ballot, close_ballot

from .helpers import contested

pytestmark = pytest.mark.django_db

PATTERN = "ABBABAAABBABBBAABABA"


@pytest.fixture
def counted(branch, organiser):
    election, nominations, _ = contested(branch, organiser, candidates=2, seats=1, method="irv")
    from .helpers import members

    voters = members(branch, len(PATTERN))
    a, b = nominations
    truth = {}
    for person, letter in zip(voters, PATTERN, strict=True):
        ranking = [a.pk, b.pk] if letter == "A" else [b.pk, a.pk]
        cast_election_ballot(election=election, person=person, ranking=ranking, actor=None)
        truth[person.pk] = ranking
    close_ballot(election=election, actor=organiser)
    return election, truth


def test_a_ballot_row_holds_nothing_but_the_election_and_the_ranking():
    assert sorted(f.name for f in ElectionBallot._meta.concrete_fields) == ["election", "id", "ranking"]
    assert ElectionBallot._meta.pk.get_internal_type() == "UUIDField"


def _stored(election, column):
    table = connection.ops.quote_name(ElectionBallot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ranking FROM {table} WHERE election_id = %s ORDER BY {column}", [election.pk])  # noqa: S608
        rows = [row[0] for row in cursor.fetchall()]
    import json

    return [json.loads(r) if isinstance(r, str) else r for r in rows]


def test_no_ordering_of_the_ballots_follows_the_voting_order(counted):
    election, truth = counted
    order = [truth[m.person_id] for m in ElectionVoterMark.objects.filter(election=election).order_by("id")]
    order_by_time = [
        truth[m.person_id] for m in ElectionVoterMark.objects.filter(election=election).order_by("cast_at", "id")
    ]
    assert order == order_by_time
    ballots = ElectionBallot.objects.filter(election=election)
    orderings = [list(ballots.order_by(f).values_list("ranking", flat=True)) for f in ("id", "-id")]
    orderings.append(list(ballots.values_list("ranking", flat=True)))
    physical = ["rowid"] if connection.vendor == "sqlite" else ["ctid", "xmin::text::bigint"]
    orderings += [_stored(election, column) for column in physical]
    for got in orderings:
        assert sorted(got) == sorted(order)
        assert got != order and got != order[::-1]


def test_the_audit_trail_says_who_voted_never_how(counted):
    from groups.models import AuditAction, AuditEvent

    election, truth = counted
    events = AuditEvent.objects.filter(action=AuditAction.ELECTION_BALLOT)
    assert events.count() == len(truth)
    assert all(not e.changes for e in events)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
def test_no_ballot_shares_a_transaction_id_with_a_mark(counted):
    election, _ = counted
    ballots, marks = ElectionBallot._meta.db_table, ElectionVoterMark._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {ballots} WHERE election_id = %s", [election.pk])  # noqa: S608
        ballot_xids = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT xmin::text FROM {marks} WHERE election_id = %s", [election.pk])  # noqa: S608
        mark_xids = {row[0] for row in cursor.fetchall()}
    assert len(ballot_xids) == 1
    assert not ballot_xids & mark_xids
