"""A ballot's writes and the live progress it answers with (see the package
docstring for why by hand; groups/services/votes.py for the rest).

The voted mark goes in with one conditional INSERT … SELECT: only while the
vote is open, secret or named, and the voter has a live entitlement
(VoteEntitlement, kept true by groups.services.attendance). The unique (vote, person) index
refuses a second mark (ON CONFLICT DO NOTHING: no savepoint). On PostgreSQL
the vote's row is share-locked by the statement (FOR KEY SHARE): ballots do
not wait for each other, but close_vote's FOR UPDATE waits for every ballot
under way to commit, and a ballot that comes after it re-reads the status as
closed and inserts nothing. SQLite serialises writers, so the same holds.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from ..models import Ballot, Vote, VotedMark, VoteEntitlement, VoteMethod, VoteStatus
from .core import Table, column_list, fetch


@cache
def _mark_statement(vendor: str) -> str:
    v, e = Table(Vote, "v"), Table(VoteEntitlement, "e")
    mark = VotedMark._meta
    names = column_list(VotedMark, "vote", "person", "cast_at", "named_choice")
    lock = " FOR KEY SHARE OF v" if vendor == "postgresql" else ""
    return (
        f'INSERT INTO "{mark.db_table}" ({names})'
        f" SELECT {v.id}, {e.person}, %s, CASE WHEN {v.method} = '{VoteMethod.NAMED}' THEN %s ELSE '' END"
        f" FROM {v} JOIN {e} ON {e.vote} = {v.id}"
        f" WHERE {v.id} = %s AND {v.meeting} = %s AND {v.status} = '{VoteStatus.OPEN}'"
        f" AND {v.method} IN ('{VoteMethod.SECRET}', '{VoteMethod.NAMED}')"
        f" AND {e.person} = %s AND {e.withdrawn_at} IS NULL{lock}"
        f" ON CONFLICT ({column_list(VotedMark, 'vote', 'person')}) DO NOTHING"
        f' RETURNING "{mark.get_field("named_choice").column}"'
    )


def insert_mark(*, vote_id: int, meeting_id: int, person_id: int, choice: str, at) -> tuple | None:
    """Record that the person voted, if they may now: (named_choice,) — ""
    for a secret vote — or None when nothing was inserted (not open, not
    entitled, already voted: the caller finds out which)."""
    params = [connection.ops.adapt_datetimefield_value(at), choice, vote_id, meeting_id, person_id]
    rows = fetch(_mark_statement(connection.vendor), params)
    return rows[0] if rows else None


@cache
def _ballot_statement() -> str:
    b = Ballot._meta
    return f'INSERT INTO "{b.db_table}" ({column_list(Ballot, "id", "vote", "choice")}) VALUES (%s, %s, %s)'


def insert_ballot(*, vote_id: int, choice: str) -> None:
    """A secret ballot: a random UUID (no order to follow the voted marks'),
    the vote and the choice, nothing else."""
    pk = Ballot._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(_ballot_statement(), [pk.get_db_prep_save(pk.default(), connection), vote_id, choice])


@cache
def _progress_statement() -> str:
    e, m = Table(VoteEntitlement, "e"), Table(VotedMark, "m")
    return f"SELECT (SELECT COUNT(*) FROM {m} WHERE {m.vote} = %s), (SELECT COUNT(*) FROM {e} WHERE {e.vote} = %s)"


def progress_counts(vote_id: int) -> tuple[int, int]:
    """(voted, entitled) for a secret or named vote, as queries.votes.progress counts them."""
    voted, entitled = fetch(_progress_statement(), [vote_id, vote_id])[0]
    return voted, entitled
