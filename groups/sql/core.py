"""The tools every hand-written statement uses: table and column names from
the models' _meta, rows read back as the ORM reads them, one INSERT.

Rows become model instances (or typed values) through each field's own
database converters (dates stored as text on SQLite, aware datetimes, JSON),
so callers cannot tell them from ORM results. Only ids, names and search
text are ever passed as parameters, never spliced into the SQL.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

# Ids from URLs and forms are checked against this before they reach a
# database driver: SQLite raises OverflowError beyond 64 bits, PostgreSQL a
# DataError, and either would be a 500 rather than a 404.
MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """A positive database id from a URL or form value, or None."""
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        # Length first: int() refuses strings of over 4,300 digits with an error of its own.
        if not (len(text) <= 19 and text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None


@cache
def _column(model: type[Model], alias: str, name: str) -> str:
    field = model._meta.get_field(name)
    return f'{alias}."{field.column}"'


class Table:
    """A model's table under an alias, with its column names from _meta, for
    writing a statement: ``m = Table(Meeting, "m")`` gives ``str(m)`` =
    ``"groups_meeting" m`` (for FROM and JOIN), ``m.branch`` = ``m."branch_id"``
    and ``m.all`` = every column, in the order ``read`` expects."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model, self.alias = model, alias

    def __str__(self) -> str:
        return f'"{self.model._meta.db_table}" {self.alias}'

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return _column(self.model, self.alias, name)

    @property
    def all(self) -> str:
        return columns(self.model, self.alias)


def column_list(model: type[Model], *names: str) -> str:
    """Unqualified, quoted columns of the named fields (an ON CONFLICT target)."""
    return ", ".join(f'"{model._meta.get_field(n).column}"' for n in names)


@cache
def columns(model: type[Model], alias: str) -> str:
    """Every concrete column of `model`, qualified by `alias`, in field order
    (the order `read` expects)."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], attname: str, vendor: str):
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    col = field.get_col(model._meta.db_table)
    conn = connections[DEFAULT_DB_ALIAS]
    return tuple(conn.ops.get_db_converters(col) + col.get_db_converters(conn)), col


def converter(model: type[Model], attname: str):
    """A function turning a raw value of this field into what the ORM would hand over."""
    conn = connections[DEFAULT_DB_ALIAS]
    funcs, col = _converters(model, attname, conn.vendor)
    if not funcs:
        return _same

    def run(value):
        for func in funcs:
            value = func(value, col, conn)
        return value

    return run


def _same(value):
    return value


def convert(model: type[Model], attname: str, value):
    """One value as the ORM would hand it over for this field."""
    return converter(model, attname)(value)


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


@cache
def _row_converters(model: type[Model], vendor: str) -> tuple:
    """(position, converters, column) for the fields that need converting."""
    out = []
    for i, name in enumerate(_attnames(model)):
        funcs, col = _converters(model, name, vendor)
        if funcs:
            out.append((i, funcs, col))
    return tuple(out)


def width(model: type[Model]) -> int:
    """How many values `columns(model, …)` selects."""
    return len(_attnames(model))


def read(model: type[Model], values: Sequence):
    """A model instance from the values of `columns(model, …)`, converted."""
    conn = connections[DEFAULT_DB_ALIAS]
    values = list(values)
    if len(values) != width(model):
        raise ValueError(f"{model.__name__} needs {width(model)} values, not {len(values)}")
    for i, funcs, col in _row_converters(model, conn.vendor):
        value = values[i]
        for func in funcs:
            value = func(value, col, conn)
        values[i] = value
    return model.from_db(DEFAULT_DB_ALIAS, _attnames(model), values)


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@cache
def _insert_fields(model: type[Model]) -> tuple:
    """What Model.save() sends in an INSERT: every concrete field but a key
    the database generates (a UUID key is the model's own default)."""
    return tuple(f for f in model._meta.concrete_fields if f is not model._meta.auto_field)


@cache
def _insert_statement(model: type[Model], on_conflict: str) -> tuple[str, tuple]:
    fields = _insert_fields(model)
    names = ", ".join(f'"{f.column}"' for f in fields)
    text = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({placeholders(len(fields))})'
    if on_conflict:
        text += f" ON CONFLICT {on_conflict} DO NOTHING"
    return text + f' RETURNING "{model._meta.pk.column}"', fields


def insert(obj: Model, *, on_conflict: str = "") -> bool:
    """INSERT a new model instance as Model.save() would (each field's
    pre_save and database preparation), in one statement with no savepoint.
    With ``on_conflict`` (a conflict target such as ``(a, b) WHERE b IS NOT
    NULL``) a row that clashes with a unique index is not inserted and False
    is returned; the instance then stays unsaved. Needs INSERT … RETURNING
    (SQLite 3.35 or later, any supported PostgreSQL)."""
    text, _ = _insert_statement(type(obj), on_conflict)
    rows = fetch(text, insert_values(obj)[1])
    if not rows:
        return False
    obj.pk = rows[0][0]
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return True


def insert_values(obj: Model) -> tuple[tuple[str, ...], list]:
    """(the columns, the values) an INSERT of this new instance writes, as
    Model.save() prepares them, a database-generated key left out: for a
    statement that inserts the row among others (the one-statement ballots,
    groups/sql/votes.py and election_ballots.py)."""
    conn = connections[DEFAULT_DB_ALIAS]
    fields = _insert_fields(type(obj))
    return tuple(f.column for f in fields), [f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields]


@cache
def insert_select(model: type[Model], column: str = "", expression: str = "") -> tuple[str, str]:
    """For ``INSERT INTO t (columns) SELECT … FROM a CTE``: (the columns, a
    SELECT list of their parameters, each cast to its column's type, since a
    parameter in a SELECT list has none of its own), in insert_values' order.
    `column`, when given, takes `expression` instead of a parameter (a value
    from the CTE: leave it out of the parameters)."""
    conn = connections[DEFAULT_DB_ALIAS]
    fields = _insert_fields(model)
    names = ", ".join(f'"{f.column}"' for f in fields)
    return names, ", ".join(expression if f.column == column else f"CAST(%s AS {f.db_type(conn)})" for f in fields)


def in_own_transaction() -> bool:
    """Inside an atomic block of the code's own: not the one a test case wraps
    around each test, which Django tells apart the same way for on_commit."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.in_atomic_block and not conn.atomic_blocks:
        return True  # autocommit turned off by hand
    return any(not block._from_testcase for block in conn.atomic_blocks)


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


# SQLite lets one writer in at a time; a second one waiting for the lock is
# put to sleep by SQLite's busy handler in growing steps (1, 2, 5, 10 … 100
# ms), so under a burst of ballots the unlucky wait far longer than the
# writes take. Taking a lock before BEGIN IMMEDIATE makes them queue and wake
# the moment the writer before them commits: a threading lock for the threads
# of one process, an flock on a file beside the database for the other
# worker processes. PostgreSQL locks rows and needs none of this. A write of
# one autocommit statement (the API's ballots on SQLite, sql/sqlite_ballots.py)
# takes no turn: SQLite's lock is then held only inside that one C call.
_thread_turn = threading.Lock()


def _lock_path() -> str | None:
    settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return f"{name}.write-lock"


@contextmanager
def write_turn():
    """Wait for this process's and every other process's SQLite writers
    before a write transaction (a no-op on PostgreSQL). Wraps the
    ``transaction.atomic`` block; holds nothing once it ends."""
    if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
        yield
        return
    path = _lock_path()
    with _thread_turn:
        if path is None:
            yield
            return
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            # A read-only folder beside the database: the threads still queue;
            # other processes fall back to SQLite's own busy handler.
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock
