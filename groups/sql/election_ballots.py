"""An online election ballot's voter mark (groups/services/election_ballots.py
for the rest), as groups/sql/votes.py takes a meeting vote's.

One conditional INSERT … SELECT: the mark goes in only while the election is
taking online ballots and the moment is inside its window — and, for
`insert_entitled_mark`, only for someone on the ballot's roll (ElectionEntitlement,
taken when it opened): entitlement and mark in one statement; the unique
(election, person) index refuses a second (ON CONFLICT DO NOTHING: no
savepoint). On PostgreSQL the statement share-locks the election's row (FOR
KEY SHARE): ballots do not wait for each other, but close_ballot's FOR UPDATE
waits for every ballot under way to commit, and a ballot that comes after the
close re-reads the status as declared and inserts nothing. SQLite serialises
writers, so the same holds there.

`cast_own` (PostgreSQL): that INSERT as a CTE between the rate-limit
counter's upsert and the ballot's and audit row's INSERTs, which read its
RETURNING: one statement, one round trip, atomic without BEGIN or COMMIT.
`cast_by_account` (PostgreSQL, the API's first try): the same, with the
voter found from the account and the ranking checked against the election
in the statement, so that nothing is read before it.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from ..models import (
    AuditEvent,
    BallotMode,
    Election,
    ElectionBallot,
    ElectionEntitlement,
    ElectionStatus,
    ElectionVoterMark,
    Nomination,
    NominationStatus,
    Person,
    RateCount,
    Rule,
)
from ..models.elections import RANKED_METHODS
from . import rate_limits
from .core import Table, column_list, columns, fetch, insert_select, insert_values, read, width


@cache
def _mark_statement(vendor: str, on_roll: bool, condition: str = "", returning: bool = True) -> str:
    """The mark's INSERT; `condition` (more SQL for its WHERE, with its own
    parameters after the others) for cast_own's rate limit; without
    RETURNING for a trigger's body (sqlite_ballots.py)."""
    e, n = Table(Election, "e"), Table(ElectionEntitlement, "n")
    lock = " FOR KEY SHARE OF e" if vendor == "postgresql" else ""
    names = column_list(ElectionVoterMark, "election", "person", "cast_at")
    if on_roll:  # the person from their row on the roll: no row, nothing inserted
        source = f"{n.person}, %s FROM {e} JOIN {n} ON {n.election} = {e.id} AND {n.person} = %s"
    else:
        source = f"%s, %s FROM {e}"
    return (
        f'INSERT INTO "{ElectionVoterMark._meta.db_table}" ({names})'
        f" SELECT {e.id}, {source}"
        f" WHERE {e.id} = %s AND {e.status} = '{ElectionStatus.BALLOT}' AND {e.ballot_mode} = '{BallotMode.ONLINE}'"
        f" AND {e.ballot_opens_at} <= %s AND {e.ballot_closes_at} > %s{condition}{lock}"
        f" ON CONFLICT ({column_list(ElectionVoterMark, 'election', 'person')}) DO NOTHING"
        + (f" RETURNING {column_list(ElectionVoterMark, 'person')}" if returning else "")
    )


def _insert(on_roll: bool, election_id: int, person_id: int, at) -> bool:
    when = connection.ops.adapt_datetimefield_value(at)
    params = [when, person_id] if on_roll else [person_id, when]
    return bool(fetch(_mark_statement(connection.vendor, on_roll), [*params, election_id, when, when]))


def insert_online_mark(*, election_id: int, person_id: int, at) -> bool:
    """Record that the person voted if the online ballot is open at `at`:
    False when nothing was inserted (closed, or already voted: the caller
    finds out which). The caller has decided they may vote."""
    return _insert(False, election_id, person_id, at)


def insert_entitled_mark(*, election_id: int, person_id: int, at) -> bool:
    """insert_online_mark for someone on the ballot's roll, checked in the
    same statement: False when nothing was inserted (not on it, closed, or
    already voted: the caller finds out which)."""
    return _insert(True, election_id, person_id, at)


@cache
def _cast_statement(counted: bool) -> str:
    rate = RateCount._meta
    count, expires = (f'"{rate.get_field(n).column}"' for n in ("count", "expires"))
    person = column_list(ElectionVoterMark, "person")
    steps = [f"hit AS ({rate_limits.hit_statement()})"] if counted else []
    within = f" AND (SELECT {count} FROM hit) <= %s" if counted else ""  # over the limit: nothing written
    steps.append(f"mark AS ({_mark_statement('postgresql', True, within)})")
    for name, model in (("ballot", ElectionBallot), ("audit", AuditEvent)):
        names, values = insert_select(model)
        steps.append(f'{name} AS (INSERT INTO "{model._meta.db_table}" ({names}) SELECT {values} FROM mark)')
    counts = f"(SELECT {count} FROM hit), (SELECT {expires} FROM hit)" if counted else "NULL, NULL"
    return f"WITH {', '.join(steps)} SELECT {counts}, (SELECT {person} FROM mark)"


def cast_own(
    *, election_id: int, person_id: int, at, ballot: ElectionBallot, event: AuditEvent,
    rate: tuple[str, int, int] | None = None, limit: int = 0,
) -> tuple[int | None, int | None, bool]:  # fmt: skip
    """PostgreSQL only: an online ballot of someone on its roll in ONE
    statement, atomic by itself in autocommit (no BEGIN or COMMIT to send):
    the rate-limit counter's upsert when `rate` is (key, now, window end)
    (Window.in_statement; `limit` its limit), the roll's row, the ballot's
    window and the mark as insert_entitled_mark checks them, then only if the
    mark went in (and within the limit) the ballot (no person, no time) and
    the audit row (`event`, unsaved, as services.audit builds it). (the count,
    the window's end: None without `rate`; whether the ballot was cast).
    Nothing cast: not on the roll, closed, already voted or over the limit,
    for the caller to find out which."""
    when = connection.ops.adapt_datetimefield_value(at)
    params = rate_limits.hit_params(rate[0], rate[1], rate[2]) if rate is not None else []
    params += [when, person_id, election_id, when, when]
    if rate is not None:
        params.append(limit)
    params += insert_values(ballot)[1] + insert_values(event)[1]
    count, end, cast = fetch(_cast_statement(rate is not None), params)[0]
    return count, end, cast is not None


@cache
def _by_account_statement(counted: bool) -> str:
    e, n, p, c = Table(Election, "e"), Table(ElectionEntitlement, "n"), Table(Person, "p"), Table(Nomination, "c")
    rate = RateCount._meta
    count, expires = (f'"{rate.get_field(f).column}"' for f in ("count", "expires"))
    person, election = column_list(ElectionVoterMark, "person"), column_list(ElectionVoterMark, "election")
    ranked = ", ".join(f"'{m}'" for m in RANKED_METHODS)
    steps = [f"hit AS ({rate_limits.hit_statement()})"] if counted else []
    # The voter: the living person of the branch linked to the account, on the
    # roll (queries.me.linked_person's person; the unique (branch, user) index
    # allows one). The ranking (%s: the ids as given, already a list of
    # distinct ints): every id a standing nomination of this election, and at
    # most one mark for fptp, the seats for block (services.check_ranking,
    # which the long way runs to say why when this inserts nothing).
    within = f" AND (SELECT {count} FROM hit) <= %s" if counted else ""
    steps.append(
        f'mark AS (INSERT INTO "{ElectionVoterMark._meta.db_table}"'
        f" ({column_list(ElectionVoterMark, 'election', 'person', 'cast_at')})"
        f" SELECT {e.id}, {n.person}, %s FROM {e} JOIN {n} ON {n.election} = {e.id}"
        f" JOIN {p} ON {p.id} = {n.person} AND {p.branch} = {e.branch} AND {p.user} = %s AND {p.erased_at} IS NULL"
        f" WHERE {e.id} = %s AND {e.branch} = %s AND {e.status} = '{ElectionStatus.BALLOT}'"
        f" AND {e.ballot_mode} = '{BallotMode.ONLINE}' AND {e.ballot_opens_at} <= %s AND {e.ballot_closes_at} > %s"
        f" AND CAST(%s AS bigint[]) <@ ARRAY(SELECT {c.id} FROM {c} WHERE {c.election} = {e.id}"
        f" AND {c.status} = '{NominationStatus.STANDING}')"
        f" AND ({e.method} IN ({ranked}) OR cardinality(CAST(%s AS bigint[]))"
        f" <= CASE WHEN {e.method} = 'fptp' THEN 1 ELSE {e.seats} END){within} FOR KEY SHARE OF e"
        f" ON CONFLICT ({column_list(ElectionVoterMark, 'election', 'person')}) DO NOTHING"
        f" RETURNING {election}, {person})"
    )
    # The ballot as check_ranking leaves it: in the order given when ranked,
    # sorted when marked (the second %s). No person, no time.
    b = ElectionBallot._meta
    k = Table(Election, "k")
    steps.append(
        f'ballot AS (INSERT INTO "{b.db_table}" ({column_list(ElectionBallot, "id", "election", "ranking")})'
        f" SELECT CAST(%s AS uuid), {k.id}, CASE WHEN {k.method} IN ({ranked}) THEN CAST(%s AS jsonb)"
        f" ELSE CAST(%s AS jsonb) END FROM mark JOIN {k} ON {k.id} = mark.{election})"
    )
    names, values = insert_select(AuditEvent, AuditEvent._meta.get_field("person_id").column, f"mark.{person}")
    steps.append(f'audit AS (INSERT INTO "{AuditEvent._meta.db_table}" ({names}) SELECT {values} FROM mark)')
    counts = f"(SELECT {count} FROM hit), (SELECT {expires} FROM hit)" if counted else "NULL, NULL"
    return f"WITH {', '.join(steps)} SELECT {counts}, (SELECT {person} FROM mark)"


def cast_by_account(
    *, election_id: int, branch_id: int, user_id: int, at, ranking: list[int], ballot: ElectionBallot,
    event: AuditEvent, rate: tuple[str, int, int] | None = None, limit: int = 0,
) -> tuple[int | None, int | None, int | None]:  # fmt: skip
    """PostgreSQL only: cast_own for the living person of the branch linked to
    the account (user_id), the election found by id in the branch, and the
    ranking (a non-empty list of distinct ints, as given) checked against its
    standing nominations and method in the statement: nothing is read first.
    `ballot`'s ranking is the one stored when the method marks (sorted);
    `event`'s person is the mark's. (the count, the window's end: None
    without `rate`; the voter's person id, None when nothing was cast: not
    their election, not on the roll, closed, already voted, a ranking
    check_ranking refuses or over the limit, for the caller to find out
    which)."""
    when = connection.ops.adapt_datetimefield_value(at)
    params = rate_limits.hit_params(rate[0], rate[1], rate[2]) if rate is not None else []
    params += [when, user_id, election_id, branch_id, when, when, list(ranking), list(ranking)]
    if rate is not None:
        params.append(limit)
    ballot_values = insert_values(ballot)[1]  # id, election, ranking (the marked one, sorted)
    given = ElectionBallot._meta.get_field("ranking").get_db_prep_save(list(ranking), connection)
    params += [ballot_values[0], given, ballot_values[2]]
    column = AuditEvent._meta.get_field("person_id").column
    names, values = insert_values(event)
    params += [v for name, v in zip(names, values, strict=True) if name != column]
    count, end, person_id = fetch(_by_account_statement(rate is not None), params)[0]
    return count, end, person_id


def _election_and_voter(vendor: str, selected: str, joins: str = "") -> str:
    """SELECT `selected` and the standing nominations' ids (comma-separated) from the
    branch's election (alias e), with the living person of the branch linked to the
    account (p, NULLs without one); parameters: user id, election id, branch id."""
    e, p, c = Table(Election, "e"), Table(Person, "p"), Table(Nomination, "c")
    joined = f"string_agg(CAST({c.id} AS TEXT), ',')" if vendor == "postgresql" else f"group_concat({c.id}, ',')"
    standing = f"(SELECT {joined} FROM {c} WHERE {c.election} = {e.id} AND {c.status} = '{NominationStatus.STANDING}')"
    return (
        f"SELECT {selected}, {standing} FROM {e}{joins}"
        f" LEFT JOIN {p} ON {p.branch} = {e.branch} AND {p.user} = %s AND {p.erased_at} IS NULL"
        f" WHERE {e.id} = %s AND {e.branch} = %s"
    )


def _standing(text) -> set[int]:
    return {int(pk) for pk in str(text).split(",")} if text else set()


@cache
def _ballot_reads_statement(vendor: str) -> str:
    e, r = Table(Election, "e"), Table(Rule, "r")
    selected = f"{columns(Election, 'e')}, {columns(Rule, 'r')}, {columns(Person, 'p')}"
    return _election_and_voter(vendor, selected, f" LEFT JOIN {r} ON {r.id} = {e.voting_rule}")


@cache
def _ballot_keys_statement() -> str:
    e, p = Table(Election, "e"), Table(Person, "p")
    return _election_and_voter("sqlite", f"{e.ballot_mode}, {e.method}, {e.seats}, {p.id}")


def ballot_keys(*, branch_id: int, election_id: int, user_id: int) -> tuple[str, str, int, int | None, set[int]] | None:
    """SQLite: what the API's one-statement ballot needs before it is cast, and
    no more (ballot_reads builds the election, its rule and the person, each
    row every column, for the long way's refusals): the branch's election's
    ballot mode, method and seats, the living person of the branch linked to
    the account (None without one) and the standing nominations' ids; None
    when the election is not this branch's."""
    rows = fetch(_ballot_keys_statement(), [user_id, election_id, branch_id])
    if not rows:
        return None
    mode, method, seats, person_id, standing = rows[0]
    return mode, method, seats, person_id, _standing(standing)


def ballot_reads(*, branch, election_id: int, user_id: int | None) -> tuple[Election | None, Person | None, set[int]]:
    """What a ballot reads before it is cast, in one statement: the branch's
    election (with its voting rule; None when it is not this branch's), the
    living person of the branch linked to the account (None without one: the
    unique (branch, user) index allows one at most) and the standing
    nominations' ids (queries.elections.standing_ids, which the ranking is
    checked against). Both rows get `branch` as given, the same row, as
    permissions.get_in_branch and queries.me.linked_person would read them (no
    nominee count or positions: not needed for a ballot)."""
    rows = fetch(_ballot_reads_statement(connection.vendor), [user_id, election_id, branch.pk])
    if not rows:
        return None, None, set()
    row = rows[0]
    ne, nr, np = width(Election), width(Rule), width(Person)
    election = read(Election, row[:ne])
    election.branch = branch
    election.voting_rule = read(Rule, row[ne : ne + nr]) if row[ne] is not None else None
    person = read(Person, row[ne + nr : ne + nr + np]) if row[ne + nr] is not None else None
    if person is not None:
        person.branch = branch
    return election, person, _standing(row[-1])
