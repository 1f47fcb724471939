"""The two reads every signed-in request makes, its session and its user, and
the one write many make, the session's update (see the package docstring for
why by hand; groups/auth.py for the rest)."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from .core import Table, fetch, read


@cache
def _session_statement() -> str:
    s = Table(Session, "s")
    return f"SELECT {s.all} FROM {s} WHERE {s.session_key} = %s AND {s.expire_date} > %s"


def live_session(session_key: str) -> Session | None:
    """The session with this key unless it has expired."""
    rows = fetch(_session_statement(), [session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
    return read(Session, rows[0]) if rows else None


@cache
def _session_update_statement() -> str:
    quote = connection.ops.quote_name
    data, expires, key = (
        quote(Session._meta.get_field(f).column) for f in ("session_data", "expire_date", "session_key")
    )
    return f"UPDATE {quote(Session._meta.db_table)} SET {data} = %s, {expires} = %s WHERE {key} = %s"


def update_session(session_key: str, session_data: str, expire_date) -> bool:
    """Write an existing session's data and expiry: one UPDATE, which is its own
    transaction under autocommit (Django's save wraps it in BEGIN … COMMIT, or a
    savepoint, for the sake of its INSERT). False when no such row exists."""
    with connection.cursor() as cursor:
        cursor.execute(
            _session_update_statement(),
            [session_data, connection.ops.adapt_datetimefield_value(expire_date), session_key],
        )
        return cursor.rowcount == 1


@cache
def _user_statement(model) -> str:
    u = Table(model, "u")
    return f"SELECT {u.all} FROM {u} WHERE {u.id} = %s"


def user(pk: int):
    """The user with this id, active or not, or None."""
    User = get_user_model()
    rows = fetch(_user_statement(User), [pk])
    return read(User, rows[0]) if rows else None
