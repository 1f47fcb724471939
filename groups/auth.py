"""The two reads every signed-in request makes — its session and its user —
as hand-written statements (groups/sql/auth.py; see groups/sql/ for why), and
the session's update, which a check-in's message or the once-a-minute
last-seen time makes.

Django builds these two queries' SQL afresh on every request; at the door that
was a fifth of a check-in's Python time (bench/RESULTS.md "Door"). The
semantics are Django's own, unchanged: an expired or unknown session key
gives an empty session, and a missing or inactive user is nobody. Only the
reading and the update of an existing session are done differently (one
UPDATE, no BEGIN/COMMIT around it: 3 statements became 1, bench/RESULTS.md
"Door", 1 Dec 2026); creating, rotating and deleting sessions, and the
session-hash check that signs out other browsers after a password change,
stay Django's.
"""

from __future__ import annotations

from allauth.account import auth_backends
from django.contrib.auth import backends
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError

from .sql import as_id
from .sql import auth as statements


class SessionStore(db.SessionStore):
    """SESSION_ENGINE = "groups.auth" (database sessions, read by hand)."""

    def _get_session_from_db(self):
        session = statements.live_session(self.session_key)
        if session is None:
            self._session_key = None
        return session

    def save(self, must_create=False):
        """Django's save, but an existing session is updated by one UPDATE.
        As Django's: no such row (deleted meanwhile) is UpdateError, which
        SessionMiddleware turns into SessionInterrupted; creating stays Django's."""
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self.encode(self._get_session())
        if not statements.update_session(self.session_key, data, self.get_expiry_date()):
            raise UpdateError


def _read_user(backend: backends.ModelBackend, user_id):
    pk = as_id(user_id)
    user = statements.user(pk) if pk is not None else None
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return _read_user(self, user_id)


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by email), reading the user by hand."""

    def get_user(self, user_id):
        return _read_user(self, user_id)
