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

The API's ballot on PostgreSQL (``cast_own``) wraps that INSERT in one
statement with the rate-limit count, the secret ballot, the audit row and
the progress: one round trip and one commit (autocommit) for the lot.
"""

from __future__ import annotations

import secrets
import uuid
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections

from ..models import (
    AuditEvent,
    Ballot,
    Meeting,
    MeetingStatus,
    Person,
    RateCount,
    Vote,
    VotedMark,
    VoteEntitlement,
    VoteMethod,
    VoteStatus,
)
from .core import Table, column_list, fetch, insert_values
from .rate_limits import hit_params, hit_statement


@cache
def _mark_statement(vendor: str, by_account: bool, condition: str = "", returning: bool = True) -> str:
    v, e, m, p = Table(Vote, "v"), Table(VoteEntitlement, "e"), Table(Meeting, "m"), Table(Person, "p")
    mark = VotedMark._meta
    names = column_list(VotedMark, "vote", "person", "cast_at", "named_choice")
    if by_account:
        # The voter is the living person of the branch linked to the account,
        # in a meeting of the branch that the account may see (a draft only
        # for those who prepare meetings): what the API's 404s would check.
        who = (
            f" JOIN {m} ON {m.id} = {v.meeting} AND {m.branch} = %s AND ({m.status} <> '{MeetingStatus.DRAFT}' OR %s)"
            f" JOIN {p} ON {p.id} = {e.person} AND {p.branch} = %s AND {p.user} = %s AND {p.erased_at} IS NULL"
        )
        person = ""
    else:
        who, person = "", f" AND {e.person} = %s"
    lock = " FOR KEY SHARE OF v" if vendor == "postgresql" else ""
    return (
        f'INSERT INTO "{mark.db_table}" ({names})'
        f" SELECT {v.id}, {e.person}, %s, CASE WHEN {v.method} = '{VoteMethod.NAMED}' THEN %s ELSE '' END"
        f" FROM {v} JOIN {e} ON {e.vote} = {v.id}{who}"
        f" WHERE {v.id} = %s AND {v.meeting} = %s AND {v.status} = '{VoteStatus.OPEN}'"
        f" AND {v.method} IN ('{VoteMethod.SECRET}', '{VoteMethod.NAMED}')"
        f" AND {e.withdrawn_at} IS NULL{person}{condition}{lock}"
        f" ON CONFLICT ({column_list(VotedMark, 'vote', 'person')}) DO NOTHING"
        + (f" RETURNING {column_list(VotedMark, 'person', 'named_choice')}" if returning else "")
    )


def insert_mark(*, vote_id: int, meeting_id: int, person_id: int, choice: str, at) -> tuple | None:
    """Record that the person voted, if they may now: (person_id,
    named_choice — "" for a secret vote), or None when nothing was inserted
    (not open, not entitled, already voted: the caller finds out which)."""
    params = [connection.ops.adapt_datetimefield_value(at), choice, vote_id, meeting_id, person_id]
    rows = fetch(_mark_statement(connection.vendor, False), params)
    return rows[0] if rows else None


def insert_own_mark(
    *, vote_id: int, meeting_id: int, branch_id: int, user_id: int, drafts_visible: bool, choice: str, at
) -> tuple | None:
    """insert_mark for the person linked to this account, found in the same
    statement (with the meeting's branch and visibility): (person_id,
    named_choice) or None."""
    params = [connection.ops.adapt_datetimefield_value(at), choice, branch_id, bool(drafts_visible), branch_id]
    params += [user_id, vote_id, meeting_id]
    rows = fetch(_mark_statement(connection.vendor, True), params)
    return rows[0] if rows else None


@cache
def _cast_own_statement(counted: bool) -> str:
    """PostgreSQL: insert_own_mark, the secret ballot, the audit row and the
    progress in one statement, and with ``counted`` the rate-limit upsert
    first, the mark taken only within the limit. Data-modifying CTEs all run
    to completion in the statement's one snapshot: the ballot and the audit
    row are inserted from the mark's RETURNING (none when it inserted
    nothing), and the marks counted for the progress are those committed
    before it began plus its own. One row back, always."""
    mark, ballot, audit = VotedMark._meta, Ballot._meta, AuditEvent._meta
    person, named = (mark.get_field(n).column for n in ("person", "named_choice"))
    count, expires = (RateCount._meta.get_field(n).column for n in ("count", "expires"))
    ctes = [f"hit AS ({hit_statement()})"] if counted else []
    limit = f' AND (SELECT "{count}" FROM hit) <= %s' if counted else ""
    ctes.append(f"mark AS ({_mark_statement('postgresql', True, limit)})")
    ctes.append(
        f'ballot AS (INSERT INTO "{ballot.db_table}" ({column_list(Ballot, "id", "vote", "choice")})'
        f" SELECT gen_random_uuid(), %s, %s FROM mark WHERE mark.\"{named}\" = '')"
    )
    # The audit row as services.votes writes it, one form for a secret vote and one for a named one.
    names = insert_values(AuditEvent(at=None))[0]
    columns = ", ".join(f'"{n}"' for n in names)
    values = ", ".join(f'mark."{person}"' if n == audit.get_field("person_id").column else "%s" for n in names)
    for case, cond in (("secret", "="), ("named", "<>")):
        ctes.append(
            f'audit_{case} AS (INSERT INTO "{audit.db_table}" ({columns})'
            f" SELECT {values} FROM mark WHERE mark.\"{named}\" {cond} '')"
        )
    e, m = Table(VoteEntitlement, "e"), Table(VotedMark, "m")
    rate = f'h."{count}", h."{expires}"' if counted else "NULL, NULL"
    return (
        f"WITH {', '.join(ctes)}"
        f' SELECT {rate}, mark."{person}", mark."{named}",'
        f" (SELECT COUNT(*) FROM {m} WHERE {m.vote} = %s) + (SELECT COUNT(*) FROM mark),"
        f" (SELECT COUNT(*) FROM {e} WHERE {e.vote} = %s)"
        f" FROM (SELECT 1) one{' LEFT JOIN hit h ON TRUE' if counted else ''} LEFT JOIN mark ON TRUE"
    )


def cast_own(
    *,
    vote_id: int,
    meeting_id: int,
    branch_id: int,
    user_id: int,
    drafts_visible: bool,
    choice: str,
    at,
    rate: tuple[str, int, int] | None,
    limit: int,
    audit_rows: tuple[AuditEvent, AuditEvent],
) -> tuple:
    """PostgreSQL, in autocommit: the whole API ballot in one statement, atomic
    as every statement is. ``rate`` (key, now, window end) counts the request
    (``limit`` its window's); ``audit_rows`` the event for a secret and for a
    named vote, their person filled in from the mark. (count, window end — or
    None, None without ``rate``; person_id, named_choice — or None, None when
    no mark was taken; voted, entitled)."""
    params = hit_params(rate[0], rate[1], rate[2]) if rate is not None else []
    params += [connection.ops.adapt_datetimefield_value(at), choice, branch_id, bool(drafts_visible), branch_id]
    params += [user_id, vote_id, meeting_id] + ([limit] if rate is not None else [])
    params += [vote_id, choice]
    person = AuditEvent._meta.get_field("person_id").column
    for row in audit_rows:
        names, values = insert_values(row)
        params += [v for n, v in zip(names, values, strict=True) if n != person]
    params += [vote_id, vote_id]
    return fetch(_cast_own_statement(rate is not None), params)[0]


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


def rewrite_ballots(*, vote_id: int, choices: list[str]) -> None:
    """Replace the vote's ballots with these choices (shuffled by the
    caller), each under a fresh random UUID: one DELETE and one INSERT of
    every row (the ORM's bulk_create of thousands cost most of the close).
    PostgreSQL does it in one statement, with its own order and keys from
    gen_random_uuid() (the OS's randomness, as uuid4), and ignores `choices`
    but for their number, which must match."""
    conn = connections[DEFAULT_DB_ALIAS]
    b = Table(Ballot, "b")
    table, key = Ballot._meta.db_table, Ballot._meta.pk.get_db_prep_save
    vote = Ballot._meta.get_field("vote").column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                f"WITH old AS (DELETE FROM {b} WHERE {b.vote} = %s RETURNING {b.choice} AS choice)"
                f' INSERT INTO "{table}" ({column_list(Ballot, "id", "vote", "choice")})'
                f" SELECT gen_random_uuid(), %s, choice FROM old ORDER BY gen_random_uuid()",
                [vote_id, vote_id],
            )
            if cursor.rowcount != len(choices):
                raise ValueError(f"{cursor.rowcount} ballots stored, {len(choices)} counted")
            return
        cursor.execute(f'DELETE FROM "{table}" WHERE "{vote}" = %s', [vote_id])
        raw = secrets.token_bytes(16 * len(choices))  # one read of the OS's randomness, not one per ballot
        for start in range(0, len(choices), _ROWS_PER_INSERT):
            chunk = choices[start : start + _ROWS_PER_INSERT]
            params = []
            for i, choice in enumerate(chunk, start):
                params += [key(uuid.UUID(bytes=raw[16 * i : 16 * i + 16], version=4), conn), vote_id, choice]
            cursor.execute(_ballot_statement() + ", (%s, %s, %s)" * (len(chunk) - 1), params)


# SQLite allows 32,766 parameters in a statement (3.32 and later), PostgreSQL 65,535.
_ROWS_PER_INSERT = 5000


@cache
def _progress_statement() -> str:
    e, m = Table(VoteEntitlement, "e"), Table(VotedMark, "m")
    return f"SELECT (SELECT COUNT(*) FROM {m} WHERE {m.vote} = %s), (SELECT COUNT(*) FROM {e} WHERE {e.vote} = %s)"


def progress_counts(vote_id: int) -> tuple[int, int]:
    """(voted, entitled) for a secret or named vote, as queries.votes.progress counts them."""
    voted, entitled = fetch(_progress_statement(), [vote_id, vote_id])[0]
    return voted, entitled
