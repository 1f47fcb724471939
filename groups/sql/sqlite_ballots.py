"""SQLite's API ballots in one statement each: temporary views whose INSTEAD
OF INSERT triggers do what PostgreSQL's one statements do (groups/sql/votes.py
and election_ballots.py ``cast_own``), since SQLite has no INSERT inside a WITH.

Why: SQLite lets one writer in at a time. A ballot sent as six statements
(BEGIN, the rate-limit upsert, the mark, the ballot, the audit row, COMMIT)
behind sql.core.write_turn held that turn for 0.56 ms alone but 2.2 ms under
8 connections, and the machine's two cores stayed a third idle: each
statement lets go of the GIL inside SQLite and must win it back from the
process's other request threads, so the turn set the rate (bench/RESULTS.md,
"Votes"). One statement in autocommit is one step and one commit inside
SQLite, with the GIL let go throughout.

And no write_turn around it: SQLite's own write lock orders these writers.
The trigger's writes make the statement take that lock as its first step
(before it reads anything, so no stale snapshot can refuse it) and let it
go at its commit, both inside the one C call, so the lock is never held
while a thread waits for the GIL, as write_turn's thread lock and flock are
released only once their holder has won it back. A writer that finds the
lock taken sleeps in SQLite's busy handler (1, 2, 5 ms …, up to the
connection's timeout); with writes this short the sleeps are short, and
measured cheaper than the queue: 0.80–0.94 of the bare view where the queue
gave 0.72–0.75, p95 36–44 ms (bench/RESULTS.md, 4 Dec 2026).

``INSERT INTO temp.rollcall_ballot_request …`` (a meeting's vote; the
election's view is ``rollcall_election_ballot_request``) fires the trigger,
which in one implicit transaction:

1. empties the connection's scratch table ``temp.rollcall_ballot_cast``;
2. counts the request (the rate-limit upsert), unless it has no key (Redis
   counts, or counted already);
3. takes the mark (the same conditional INSERT … SELECT as on PostgreSQL:
   open, entitled, the voter's own, within the limit, once — the unique index);
4. notes in the scratch table the mark just inserted (a vote's found by
   last_insert_rowid()), only if changes() says the INSERT inserted it (a
   second ballot inserts nothing, so nothing further happens);
5. the secret ballot (a random UUID, no person, no time) and the audit row
   (for a vote, one form for a secret vote and one for a named one) from that note;
6. notes the caller's count and window end.

The caller then reads the notes (and a vote's progress) in one SELECT. Temporary
objects belong to the connection that made them (``install``, the first
time a connection needs them): no migration, nothing in the database file,
and no other connection sees a caller's notes.
"""

from __future__ import annotations

from functools import cache

from django.db import OperationalError, connection

from ..models import AuditEvent, Ballot, ElectionBallot, RateCount, VotedMark, VoteEntitlement
from .core import Table, fetch, insert_values
from .rate_limits import upsert

VIEW, ELECTION_VIEW, SCRATCH = "rollcall_ballot_request", "rollcall_election_ballot_request", "rollcall_ballot_cast"
_RATE = ("rate_key", "rate_end", "rate_now", "rate_limit")
# Each mark statement's parameters in its order, as the view's columns.
_VOTE_MARK = ("cast_at", "choice", "branch_id", "drafts", "branch_id", "user_id", "vote_id", "meeting_id")
_ELECTION_MARK = ("cast_at", "person_id", "election_id", "cast_at", "cast_at")
_VOTE = (*_RATE, "cast_at", "choice", "branch_id", "drafts", "user_id", "vote_id", "meeting_id", "ballot_id")


def _columns(model, *, without: str = "") -> tuple[str, ...]:
    """A new row's columns as insert_values gives them (a database-made key left out), but ``without``."""
    return tuple(n for n in insert_values(model())[0] if n != without)


@cache
def _audit_columns() -> tuple[str, ...]:
    """The vote's audit row's columns, but the person (the mark's)."""
    return _columns(AuditEvent, without=AuditEvent._meta.get_field("person_id").column)


@cache
def _vote_inputs() -> tuple[str, ...]:
    audit = _audit_columns()
    return _VOTE + tuple(f"secret_{n}" for n in audit) + tuple(f"named_{n}" for n in audit)


@cache
def _election_inputs() -> tuple[str, ...]:
    ballot, audit = _columns(ElectionBallot), _columns(AuditEvent)
    return (
        *_RATE,
        "cast_at",
        "person_id",
        "election_id",
        *(f"ballot_{n}" for n in ballot),
        *(f"audit_{n}" for n in audit),
    )


def _filled(statement: str, names: tuple[str, ...]) -> str:
    """A statement's %s parameters, in order, as the trigger's NEW columns."""
    pieces = statement.split("%s")
    if len(pieces) != len(names) + 1:
        raise RuntimeError("A mark's statement changed: update the inputs in groups/sql/sqlite_ballots.py.")
    return pieces[0] + "".join(f"NEW.{name}{rest}" for name, rest in zip(names, pieces[1:], strict=True))


def _rate_steps() -> tuple[str, str, str]:
    """(the mark's extra condition: within the limit — its %s is NEW.rate_limit;
    the count's upsert; the note of the count), for a trigger's body."""
    rate = RateCount._meta
    key, count, expires = (rate.get_field(n).column for n in ("key", "count", "expires"))
    counted = f'SELECT "{count}" FROM "{rate.db_table}" WHERE "{key}" = NEW.rate_key'
    count_it = upsert("SELECT NEW.rate_key, 1, NEW.rate_end WHERE NEW.rate_key IS NOT NULL", "NEW.rate_now")
    note = f"""INSERT INTO {SCRATCH} (what, a, b) SELECT 'rate', "{count}", "{expires}"
    FROM "{rate.db_table}" WHERE "{key}" = NEW.rate_key;"""
    return f" AND (NEW.rate_key IS NULL OR ({counted}) <= %s)", count_it, note


def _insert_from_note(model, columns: tuple[str, ...], values: str, condition: str = "") -> str:
    names = ", ".join(f'"{n}"' for n in columns)
    return (
        f'INSERT INTO "{model._meta.db_table}" ({names}) SELECT {values}'
        f" FROM temp.{SCRATCH} WHERE what = 'mark'{condition};"
    )


def _trigger(view: str, inputs: tuple[str, ...], steps: str) -> tuple[str, str]:
    nulls = ", ".join(["NULL"] * len(inputs))
    return (
        f"CREATE TEMP VIEW IF NOT EXISTS {view} ({', '.join(inputs)}) AS SELECT {nulls}",
        f"CREATE TEMP TRIGGER IF NOT EXISTS {view}_cast INSTEAD OF INSERT ON {view} BEGIN\n"
        f"  DELETE FROM {SCRATCH};\n{steps}\nEND",
    )


@cache
def _vote_trigger() -> tuple[str, str]:
    from .votes import _mark_statement  # votes imports this module

    within, count_it, note = _rate_steps()
    take_mark = _filled(_mark_statement("sqlite", True, within, returning=False), (*_VOTE_MARK, "rate_limit"))
    m = Table(VotedMark, "m")
    audit = _audit_columns()
    person = AuditEvent._meta.get_field("person_id").column
    audits = [
        _insert_from_note(AuditEvent, (*audit, person), ", ".join(f"NEW.{case}_{n}" for n in audit) + ", a", cond)
        for case, cond in (("secret", " AND b = ''"), ("named", " AND b <> ''"))
    ]
    ballot = _insert_from_note(
        Ballot, tuple(Ballot._meta.get_field(n).column for n in ("id", "vote", "choice")),
        "NEW.ballot_id, NEW.vote_id, NEW.choice", " AND b = ''",
    )  # fmt: skip
    return _trigger(
        VIEW,
        _vote_inputs(),
        f"""  {count_it};
  {take_mark};
  INSERT INTO {SCRATCH} (what, a, b) SELECT 'mark', {m.person}, {m.named_choice}
    FROM "{VotedMark._meta.db_table}" m WHERE {m.id} = last_insert_rowid() AND changes() = 1;
  {ballot}
  {audits[0]}
  {audits[1]}
  {note}""",
    )


@cache
def _election_trigger() -> tuple[str, str]:
    from .election_ballots import _mark_statement  # election_ballots does not import this module

    within, count_it, note = _rate_steps()
    take_mark = _filled(_mark_statement("sqlite", True, within, returning=False), (*_ELECTION_MARK, "rate_limit"))
    ballot, audit = _columns(ElectionBallot), _columns(AuditEvent)
    return _trigger(
        ELECTION_VIEW,
        _election_inputs(),
        f"""  {count_it};
  {take_mark};
  INSERT INTO {SCRATCH} (what, a, b) SELECT 'mark', NEW.person_id, NULL WHERE changes() = 1;
  {_insert_from_note(ElectionBallot, ballot, ", ".join(f"NEW.ballot_{n}" for n in ballot))}
  {_insert_from_note(AuditEvent, audit, ", ".join(f"NEW.audit_{n}" for n in audit))}
  {note}""",
    )


def install() -> None:
    """The scratch table, the views and their triggers on this connection.
    Made when first missing, not on connecting: a connection that never
    takes a ballot never pays, and in a test's transaction, whose rollback
    takes them away again, they are simply made again."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SCRATCH} (what TEXT NOT NULL, a, b)")
        for statement in (*_vote_trigger(), *_election_trigger()):
            cursor.execute(statement)


@cache
def _request_text(view: str, names: tuple[str, ...]) -> str:
    return f"INSERT INTO temp.{view} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"


def _cast(view: str, names: tuple[str, ...], values: dict) -> None:
    params = [values[name] for name in names]
    with connection.cursor() as cursor:
        try:
            cursor.execute(_request_text(view, names), params)
        except OperationalError as error:  # "no such table: temp.…", or the view without its trigger
            if view not in str(error):
                raise
            install()
            cursor.execute(_request_text(view, names), params)


@cache
def _notes_text(progress: bool) -> str:
    """The connection's notes of its last ballot: (count, window end — None
    without a key; person_id, named_choice — None when no mark was taken),
    with ``progress`` then (voted, entitled) for the vote."""
    e, m = Table(VoteEntitlement, "e"), Table(VotedMark, "m")
    counts = (
        f", (SELECT COUNT(*) FROM {m} WHERE {m.vote} = %s), (SELECT COUNT(*) FROM {e} WHERE {e.vote} = %s)"
        if progress
        else ""
    )
    return (
        f"SELECT r.a, r.b, k.a, k.b{counts} FROM (SELECT 1) one"
        f" LEFT JOIN temp.{SCRATCH} r ON r.what = 'rate' LEFT JOIN temp.{SCRATCH} k ON k.what = 'mark'"
    )


def _rate_inputs(rate: tuple[str, int, int] | None, limit: int) -> dict:
    key, now, end = rate if rate is not None else (None, None, None)
    return {"rate_key": key, "rate_end": end, "rate_now": now, "rate_limit": limit if rate else 0}


def cast_own(
    *, vote_id: int, meeting_id: int, branch_id: int, user_id: int, drafts_visible: bool, choice: str, at,
    rate: tuple[str, int, int] | None, limit: int, audit_rows: tuple[AuditEvent, AuditEvent],
) -> tuple:  # fmt: skip
    """votes.cast_own on SQLite, with the same arguments and answer (count,
    window end; person_id, named_choice; voted, entitled): the one INSERT
    (SQLite's write lock its turn: see above), then one read of its notes
    and the progress."""
    values = _rate_inputs(rate, limit)
    values |= {"cast_at": connection.ops.adapt_datetimefield_value(at), "drafts": bool(drafts_visible)}
    values |= {"choice": choice, "branch_id": branch_id, "user_id": user_id}
    values |= {"vote_id": vote_id, "meeting_id": meeting_id}
    key = Ballot._meta.pk
    values["ballot_id"] = key.get_db_prep_save(key.default(), connection)  # random: no person, no time
    person = AuditEvent._meta.get_field("person_id").column
    for case, row in zip(("secret", "named"), audit_rows, strict=True):
        names, row_values = insert_values(row)
        values |= {f"{case}_{n}": v for n, v in zip(names, row_values, strict=True) if n != person}
    _cast(VIEW, _vote_inputs(), values)
    return fetch(_notes_text(True), [vote_id, vote_id])[0]


def cast_election(
    *, election_id: int, person_id: int, at, ballot: ElectionBallot, event: AuditEvent,
    rate: tuple[str, int, int] | None = None, limit: int = 0,
) -> tuple[int | None, int | None, bool]:  # fmt: skip
    """election_ballots.cast_own on SQLite, with the same arguments and answer
    (the count, the window's end: None without ``rate``; whether the ballot
    was cast): the one INSERT (SQLite's write lock its turn), then one read
    of its notes."""
    values = _rate_inputs(rate, limit)
    values |= {"cast_at": connection.ops.adapt_datetimefield_value(at), "person_id": person_id}
    values["election_id"] = election_id
    values |= {f"ballot_{n}": v for n, v in zip(*insert_values(ballot), strict=True)}
    values |= {f"audit_{n}": v for n, v in zip(*insert_values(event), strict=True)}
    _cast(ELECTION_VIEW, _election_inputs(), values)
    count, window_end, cast, _ = fetch(_notes_text(False))[0]
    return count, window_end, cast is not None
