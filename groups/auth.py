"""The two reads every signed-in request makes — its session and its user —
as hand-written statements (see groups/sql.py for why).

Django builds these two queries' SQL afresh on every request; at the door that
was a fifth of a check-in's Python time (bench/RESULTS.md "Door"). The
semantics are Django's own, unchanged: an expired or unknown session key
gives an empty session, and a missing or inactive user is nobody. Only the
reading is done differently; writing, rotating and deleting sessions, and the
session-hash check that signs out other browsers after a password change,
stay Django's.
"""

from __future__ import annotations

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from . import sql


class SessionStore(db.SessionStore):
    """SESSION_ENGINE = "groups.auth" (database sessions, read by hand)."""

    def _get_session_from_db(self):
        rows = sql.fetch(
            "SELECT s.session_key, s.session_data, s.expire_date FROM django_session s"
            " WHERE s.session_key = %s AND s.expire_date > %s",
            [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        if not rows:
            self._session_key = None
            return None
        return sql.read(Session, rows[0])


def _read_user(backend: backends.ModelBackend, user_id):
    User = get_user_model()
    pk = sql.as_id(user_id)
    if pk is None:
        return None
    table = User._meta.db_table
    rows = sql.fetch(f'SELECT {sql.columns(User, "u")} FROM "{table}" u WHERE u.id = %s', [pk])  # noqa: S608
    if not rows:
        return None
    user = sql.read(User, rows[0])
    return user if backend.user_can_authenticate(user) else None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return _read_user(self, user_id)


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by email), reading the user by hand."""

    def get_user(self, user_id):
        return _read_user(self, user_id)
