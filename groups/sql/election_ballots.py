"""An online election ballot's voter mark (groups/services/election_ballots.py
for the rest), as groups/sql/votes.py takes a meeting vote's.

One conditional INSERT … SELECT: the mark goes in only while the election is
taking online ballots and the moment is inside its window; the unique
(election, person) index refuses a second (ON CONFLICT DO NOTHING: no
savepoint). On PostgreSQL the statement share-locks the election's row (FOR
KEY SHARE): ballots do not wait for each other, but close_ballot's FOR UPDATE
waits for every ballot under way to commit, and a ballot that comes after the
close re-reads the status as declared and inserts nothing. SQLite serialises
writers, so the same holds there.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from ..models import BallotMode, Election, ElectionStatus, ElectionVoterMark
from .core import Table, column_list, fetch


@cache
def _mark_statement(vendor: str) -> str:
    e = Table(Election, "e")
    lock = " FOR KEY SHARE OF e" if vendor == "postgresql" else ""
    names = column_list(ElectionVoterMark, "election", "person", "cast_at")
    return (
        f'INSERT INTO "{ElectionVoterMark._meta.db_table}" ({names})'
        f" SELECT {e.id}, %s, %s FROM {e}"
        f" WHERE {e.id} = %s AND {e.status} = '{ElectionStatus.BALLOT}' AND {e.ballot_mode} = '{BallotMode.ONLINE}'"
        f" AND {e.ballot_opens_at} <= %s AND {e.ballot_closes_at} > %s{lock}"
        f" ON CONFLICT ({column_list(ElectionVoterMark, 'election', 'person')}) DO NOTHING"
        f" RETURNING {column_list(ElectionVoterMark, 'person')}"
    )


def insert_online_mark(*, election_id: int, person_id: int, at) -> bool:
    """Record that the person voted if the online ballot is open at `at`:
    False when nothing was inserted (closed, or already voted: the caller
    finds out which)."""
    when = connection.ops.adapt_datetimefield_value(at)
    return bool(fetch(_mark_statement(connection.vendor), [person_id, when, election_id, when, when]))
