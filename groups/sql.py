"""Hand-written SQL for the hot paths, read back the way the ORM reads it.

Why this exists: at the door each request runs a handful of tiny indexed
queries, and Django spends 0.2–0.5 ms of Python building each statement
(joins, expressions, ORDER BY) against 0.02–0.1 ms running it (bench/door.py,
bench/RESULTS.md "Door"). The statements that run on every keystroke and every
check-in are therefore written once, here and in their callers, as plain SQL
that SQLite and PostgreSQL both accept. Rows still become model instances
through each field's own database converters (dates stored as text on SQLite,
aware datetimes, JSON), so callers cannot tell them from ORM results.

Only ids, names and search text are ever passed as parameters, never spliced
into the SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)
