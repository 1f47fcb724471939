"""The API's rate-limit counter without Redis: one statement per request
(the database cache's add and incr cost eleven, on every door keystroke)."""

from __future__ import annotations

from functools import cache

from django.db import connection

from ..models import RateCount
from .core import fetch


@cache
def _names() -> tuple[str, str, str, str]:
    meta = RateCount._meta
    return (meta.db_table, *(meta.get_field(n).column for n in ("key", "count", "expires")))


@cache
def hit_statement() -> str:
    """The upsert, with parameters (key, amount, window_end, now, now); also a CTE
    inside the one-statement election ballots (groups/sql/election_ballots.py cast_own)."""
    _, _, count, expires = _names()
    return upsert("VALUES (%s, %s, %s)", "%s") + f' RETURNING "{count}", "{expires}"'


def upsert(source: str, now: str) -> str:
    """The counter's upsert from ``source`` (VALUES, or a SELECT of key,
    amount and window end with a WHERE: SQLite's parser needs one before
    ON CONFLICT), the time read from ``now`` (a parameter or a column); no
    RETURNING, for a trigger's body too (groups/sql/sqlite_ballots.py)."""
    table, key, count, expires = _names()
    # One row per caller and scope: a window that has ended starts again at 1.
    # (Both databases read the old row on the right of SET.)
    return (
        f'INSERT INTO "{table}" ("{key}", "{count}", "{expires}") {source} '
        f'ON CONFLICT ("{key}") DO UPDATE SET '
        f'"{count}" = CASE WHEN "{table}"."{expires}" <= {now} THEN excluded."{count}" '
        f'ELSE "{table}"."{count}" + excluded."{count}" END, '
        f'"{expires}" = CASE WHEN "{table}"."{expires}" <= {now} THEN excluded."{expires}" '
        f'ELSE "{table}"."{expires}" END'
    )


def hit_params(key: str, now: int, window_end: int, amount: int = 1) -> list:
    """hit_statement's parameters, in its order."""
    return [key, amount, window_end, now, now]


def hit(key: str, *, now: int, window_end: int, amount: int = 1) -> tuple[int, int]:
    """Count ``amount`` requests (one, or a batch's items) under ``key`` in the
    window ending at ``window_end``: (the count so far, these included; when
    its window ends). Atomic on both databases."""
    count, expires = fetch(hit_statement(), hit_params(key, now, window_end, amount))[0]
    return count, expires


def forget_before(now: int) -> None:
    """Delete the counts of windows that ended before ``now``."""
    table, _, _, expires = _names()
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}" WHERE "{expires}" < %s', [now])
