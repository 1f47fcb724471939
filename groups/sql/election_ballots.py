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

from ..models import BallotMode, Election, ElectionStatus, ElectionVoterMark, Person, Rule
from .core import Table, column_list, columns, fetch, read, width


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


@cache
def _ballot_reads_statement() -> str:
    e, r, p = Table(Election, "e"), Table(Rule, "r"), Table(Person, "p")
    return (
        f"SELECT {columns(Election, 'e')}, {columns(Rule, 'r')}, {columns(Person, 'p')} FROM {e}"
        f" LEFT JOIN {r} ON {r.id} = {e.voting_rule}"
        f" LEFT JOIN {p} ON {p.branch} = {e.branch} AND {p.user} = %s AND {p.erased_at} IS NULL"
        f" WHERE {e.id} = %s AND {e.branch} = %s"
    )


def ballot_reads(*, branch, election_id: int, user_id: int | None) -> tuple[Election | None, Person | None]:
    """What a ballot reads before it is cast, in one statement: the branch's
    election (with its voting rule; None when it is not this branch's) and the
    living person of the branch linked to the account (None without one: the
    unique (branch, user) index allows one at most). Both get `branch` as given,
    the same row, as permissions.get_in_branch and queries.me.linked_person
    would read them (no nominee count or positions: not needed for a ballot)."""
    rows = fetch(_ballot_reads_statement(), [user_id, election_id, branch.pk])
    if not rows:
        return None, None
    row = rows[0]
    ne, nr = width(Election), width(Rule)
    election = read(Election, row[:ne])
    election.branch = branch
    election.voting_rule = read(Rule, row[ne : ne + nr]) if row[ne] is not None else None
    person = read(Person, row[ne + nr :]) if row[ne + nr] is not None else None
    if person is not None:
        person.branch = branch
    return election, person
