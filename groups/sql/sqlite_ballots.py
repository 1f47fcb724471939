"""SQLite's API ballot in one statement: a temporary view whose INSTEAD OF
INSERT trigger does what PostgreSQL's one statement does (groups/sql/votes.py
cast_own), since SQLite has no INSERT inside a WITH.

Why: SQLite lets one writer in at a time (sql.core.write_turn queues them).
A ballot sent as six statements (BEGIN, the rate-limit upsert, the mark, the
ballot, the audit row, COMMIT) held that turn for 0.56 ms alone but 2.2 ms
under 8 connections, and the machine's two cores stayed a third idle: each
statement lets go of the GIL inside SQLite and must win it back from the
process's other request threads, so the turn set the rate (bench/RESULTS.md,
"Votes"). One statement in autocommit is one step and one commit inside
SQLite: the turn is won back once.

``INSERT INTO temp.rollcall_ballot_request …`` fires the trigger, which in
one implicit transaction:

1. empties the connection's scratch table ``temp.rollcall_ballot_cast``;
2. counts the request (the rate-limit upsert), unless it has no key (Redis
   counts, or counted already);
3. takes the mark (votes.py's conditional INSERT … SELECT: open, entitled,
   the account's own person, within the limit, once — the unique index);
4. notes in the scratch table the mark just inserted, found by
   last_insert_rowid() and only if changes() says the INSERT inserted it
   (a second ballot inserts nothing, so nothing further happens);
5. the secret ballot (a random UUID, no person, no time) and the audit row
   (one form for a secret vote, one for a named one) from that note;
6. notes the caller's count and window end.

The caller then reads the notes and the progress (``outcome``). Temporary
objects belong to the connection that made them (``install``, the first
time a connection needs them): no migration, nothing in the database file,
and no other connection sees a caller's notes.
"""

from __future__ import annotations

from functools import cache

from django.db import OperationalError, connection

from ..models import AuditEvent, Ballot, RateCount, VotedMark, VoteEntitlement
from .core import Table, column_list, fetch, insert_values
from .rate_limits import upsert

VIEW, SCRATCH = "rollcall_ballot_request", "rollcall_ballot_cast"
# The mark's parameters in votes._mark_statement's order, as the view's columns.
_MARK_INPUTS = (
    "cast_at",
    "choice",
    "branch_id",
    "drafts",
    "branch_id",
    "user_id",
    "vote_id",
    "meeting_id",
    "rate_limit",
)
_INPUTS = ("rate_key", "rate_end", "rate_now", "rate_limit", "cast_at", "choice", "branch_id", "drafts", "user_id")
_INPUTS += ("vote_id", "meeting_id", "ballot_id")


@cache
def _audit_columns() -> tuple[str, ...]:
    """The audit row's columns as insert_values gives them, but the person (the mark's)."""
    person = AuditEvent._meta.get_field("person_id").column
    return tuple(n for n in insert_values(AuditEvent(at=None))[0] if n != person)


def _inputs() -> tuple[str, ...]:
    audit = _audit_columns()
    return _INPUTS + tuple(f"secret_{n}" for n in audit) + tuple(f"named_{n}" for n in audit)


@cache
def _script() -> tuple[str, ...]:
    from .votes import _mark_statement  # votes imports this module for cast_own_sqlite

    mark, ballot, audit = VotedMark._meta, Ballot._meta, AuditEvent._meta
    rate = RateCount._meta
    key, count, expires = (rate.get_field(n).column for n in ("key", "count", "expires"))
    within = (
        f' AND (NEW.rate_key IS NULL OR (SELECT "{count}" FROM "{rate.db_table}" WHERE "{key}" = NEW.rate_key) <= %s)'
    )
    pieces = _mark_statement("sqlite", True, within, returning=False).split("%s")
    if len(pieces) != len(_MARK_INPUTS) + 1:
        raise RuntimeError("The mark's statement changed: update sqlite_ballots._MARK_INPUTS.")
    take_mark = pieces[0] + "".join(f"NEW.{name}{rest}" for name, rest in zip(_MARK_INPUTS, pieces[1:], strict=True))
    m = Table(VotedMark, "m")
    audit_names = _audit_columns()
    person = audit.get_field("person_id").column
    columns = ", ".join(f'"{n}"' for n in (*audit_names, person))
    audits = [
        f'INSERT INTO "{audit.db_table}" ({columns})'
        f" SELECT {', '.join(f'NEW.{case}_{n}' for n in audit_names)}, a FROM temp.{SCRATCH}"
        f" WHERE what = 'mark' AND b {cond} '';"
        for case, cond in (("secret", "="), ("named", "<>"))
    ]
    view_columns = ", ".join(_inputs())
    nulls = ", ".join(["NULL"] * len(_inputs()))
    return (
        f"CREATE TEMP TABLE IF NOT EXISTS {SCRATCH} (what TEXT NOT NULL, a, b)",
        f"CREATE TEMP VIEW IF NOT EXISTS {VIEW} ({view_columns}) AS SELECT {nulls}",
        f"""CREATE TEMP TRIGGER IF NOT EXISTS {VIEW}_cast INSTEAD OF INSERT ON {VIEW} BEGIN
  DELETE FROM {SCRATCH};
  {upsert("SELECT NEW.rate_key, 1, NEW.rate_end WHERE NEW.rate_key IS NOT NULL", "NEW.rate_now")};
  {take_mark};
  INSERT INTO {SCRATCH} (what, a, b) SELECT 'mark', {m.person}, {m.named_choice}
    FROM "{mark.db_table}" m WHERE {m.id} = last_insert_rowid() AND changes() = 1;
  INSERT INTO "{ballot.db_table}" ({column_list(Ballot, "id", "vote", "choice")})
    SELECT NEW.ballot_id, NEW.vote_id, NEW.choice FROM temp.{SCRATCH} WHERE what = 'mark' AND b = '';
  {audits[0]}
  {audits[1]}
  INSERT INTO {SCRATCH} (what, a, b) SELECT 'rate', "{count}", "{expires}"
    FROM "{rate.db_table}" WHERE "{key}" = NEW.rate_key;
END""",
    )


def install() -> None:
    """The scratch table, the view and its trigger on this connection. Made
    when first missing, not on connecting: a connection that never takes a
    ballot never pays, and in a test's transaction, whose rollback takes
    them away again, they are simply made again."""
    with connection.cursor() as cursor:
        for statement in _script():
            cursor.execute(statement)


@cache
def _request_text() -> str:
    names = _inputs()
    return f"INSERT INTO temp.{VIEW} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"


@cache
def _outcome_text() -> str:
    e, m = Table(VoteEntitlement, "e"), Table(VotedMark, "m")
    return (
        f"SELECT r.a, r.b, k.a, k.b, (SELECT COUNT(*) FROM {m} WHERE {m.vote} = %s),"
        f" (SELECT COUNT(*) FROM {e} WHERE {e.vote} = %s)"
        f" FROM (SELECT 1) one LEFT JOIN temp.{SCRATCH} r ON r.what = 'rate'"
        f" LEFT JOIN temp.{SCRATCH} k ON k.what = 'mark'"
    )


def cast(*, values: dict) -> None:
    """The one statement: ``values`` names every input (see ``_inputs``)."""
    params = [values[name] for name in _inputs()]
    with connection.cursor() as cursor:
        try:
            cursor.execute(_request_text(), params)
        except OperationalError as error:  # "no such table: temp.…", or the view without its trigger
            if VIEW not in str(error):
                raise
            install()
            cursor.execute(_request_text(), params)


def outcome(vote_id: int) -> tuple:
    """What this connection's last ``cast`` did, and the progress now:
    (count, window end — None without a key; person_id, named_choice — None
    when no mark was taken; voted, entitled)."""
    return fetch(_outcome_text(), [vote_id, vote_id])[0]


def audit_inputs(rows: tuple[AuditEvent, AuditEvent]) -> dict:
    """The view's audit columns from the events for a secret and a named vote."""
    person = AuditEvent._meta.get_field("person_id").column
    values = {}
    for case, row in zip(("secret", "named"), rows, strict=True):
        names, row_values = insert_values(row)
        values |= {f"{case}_{n}": v for n, v in zip(names, row_values, strict=True) if n != person}
    return values
