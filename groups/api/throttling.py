"""API rate limits, per caller and per scope, counted where every worker
sees the same numbers: Redis when REDIS_URL is set (the cache), otherwise
one row per caller and scope in the database (groups/sql/rate_limits.py: one
statement, where the database cache's add and incr cost eleven queries on
every door keystroke).

Scopes (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], each from an environment
variable README lists):

- ``api``: ordinary reads and writes, per token (per user for the
  browser's session calls);
- ``door``: the door's search, check-ins and quorum, far above a busy door;
- ``uploads``: imports and counts, which read whole files;
- ``unauthenticated``: per client address (groups/client_ip.py): anonymous
  calls to the public schema, and every 401 (no token, or a bad one), counted
  in groups/api/errors.py, since DRF refuses a bad token before any throttle
  would run.

Fixed windows: at most the limit in each minute (for "…/min").

Counted in the write's own commit: an action decorated ``counted_in_write``
(the ballots, where thousands write at once). For those ScopeThrottle only
finds the caller's window (``view.owed_window``), which the action hands to its
service; the service counts it first thing in its durable transaction, so the
count and the ballot share one commit instead of two; ``settle`` counts it on
its own when that transaction did not commit it (refused, rolled back, or
never reached). The same limit, the same row, counted before anything else is
written.

Counted once: the lean path (groups/api/lean.py) counts its request the same
way and, when the DRF view answers after all, hands it the settled window
(``request.counted_window``), which ScopeThrottle takes instead of a new one
and ``Window.hit`` does not count again."""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from ..client_ip import client_ip
from ..models.api_tokens import ApiToken
from ..sql import rate_limits

DEFAULT_SCOPE = "api"
UNAUTHENTICATED = "unauthenticated"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "1000/min" → (1000, 60): DRF's notation (s, m, h, d by first letter)."""
    amount, _, period = rate.partition("/")
    return int(amount), PERIODS[period.strip()[:1].lower()]


def rate_for(scope: str) -> tuple[int, int]:
    return parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope])


def _on_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


class Window:
    """One caller's count in the current window of a scope."""

    def __init__(self, scope: str, ident: str):
        self.scope, self.ident = scope, ident
        self.limit, self.period = rate_for(scope)
        self.wait = self.period
        self.allowed = True
        self.counted = False  # hit() ran
        self.saved = False  # and the count is durable (committed, or in Redis)

    def hit(self, amount: int = 1) -> bool:
        """Count one request (or ``amount``: a batch's items); False when it is
        over the limit (``wait`` then says how many seconds until the window ends).
        A window already counted durably is not counted again (the lean path's,
        handed to the DRF view that answers for it: groups/api/lean.py)."""
        if self.saved:
            return self.allowed
        now = time.time()
        end = self._end(now)
        if _on_redis():
            key = f"throttle:{self.scope}:{self.ident}:{end - self.period}"
            # add, then incr: Django's incr refuses a missing key.
            if cache.add(key, amount, self.period + 1):
                count = amount
            else:
                try:
                    count = cache.incr(key, amount)
                except ValueError:  # expired between add and incr
                    cache.set(key, amount, self.period + 1)
                    count = amount
        else:
            count, end = rate_limits.hit(self.key, now=int(now), window_end=end, amount=amount)
            if count == amount and self.scope == UNAUTHENTICATED:
                # Rows per address would pile up; users' rows are few and reused.
                rate_limits.forget_before(int(now) - 3600)
        # In a write's transaction the count is durable only once it commits (settle).
        self.took(count, end, now, saved=_on_redis() or not transaction.get_connection().in_atomic_block)
        return self.allowed

    @property
    def key(self) -> str:
        """The database counter's key (groups/sql/rate_limits.py)."""
        return f"{self.scope}:{self.ident}"

    def _end(self, now: float) -> int:
        return int(now // self.period) * self.period + self.period

    def in_statement(self) -> tuple[str, int, int] | None:
        """(key, now, window end) for a statement that counts this request in
        its own upsert (the one-statement ballots on PostgreSQL), or None when
        it cannot: on Redis, or already counted. The statement's count is
        then handed back with ``took``."""
        if self.saved or _on_redis():
            return None
        now = int(time.time())
        return self.key, now, self._end(now)

    def took(self, count: int, end: int, now: float, *, saved: bool = True) -> None:
        """Record the count a statement returned for this request (``hit`` or a
        one-statement write, committed with it: ``saved``)."""
        self.wait = max(1, int(end - now + 0.999))
        self.allowed = count <= self.limit
        self.counted = True
        self.saved = saved


def window_for(user, token, scope: str) -> Window:
    """A signed-in caller's window in ``scope``: per token, per user on a session."""
    ident = f"token-{token.pk}" if isinstance(token, ApiToken) else f"user-{user.pk}"
    return Window(scope, ident)


def caller_window(request, scope: str) -> Window:
    """The signed-in caller's window in ``scope``, as ScopeThrottle counts it."""
    return window_for(request.user, request.auth, scope)


def charge_items(request, scope: str, items: int) -> None:
    """A batch counts as its items: ScopeThrottle counted the request as one;
    the other items - 1 are counted here, so that sending a queue at once costs
    the door scope what sending it one by one would (429 past the limit)."""
    if items > 1:
        window = caller_window(request, scope)
        if not window.hit(items - 1):
            raise exceptions.Throttled(window.wait)


def settle(window: Window | None, *, written: bool = False) -> None:
    """After a ``counted_in_write`` action's write: ``written`` when the
    service returned (its durable transaction committed whatever it counted).
    Counts the request on its own when nothing committed its count (refused
    with an error and rolled back, or the write never reached); 429 past the
    limit, whichever counted it."""
    if window is None:
        return
    if written and window.counted:
        window.saved = True
    if not window.saved:
        window.hit()
        window.saved = True  # on its own: not to be counted again, whatever follows
    if not window.allowed:
        raise exceptions.Throttled(window.wait)


def counted_in_write(action):
    """A view action whose service counts the caller's request in its own
    durable transaction: called as ``action(view, request, window)`` with the
    caller's window to hand to the service (None for an anonymous caller).
    Whatever it does, the request is then counted once (``settle``): with the
    write when the action returned, on its own when it raised; 429 past the limit."""

    @functools.wraps(action)
    def run(view, request, *args, **kwargs):
        window = getattr(view, "owed_window", None)
        try:
            response = action(view, request, window)
        except exceptions.Throttled:
            raise
        except Exception:
            settle(window)  # a refusal rolled its count back (or never reached it): counted on its own
            raise
        settle(window, written=True)  # committed with the write, or 429 when it was over the limit
        return response

    run.throttle_in_write = True
    return run


def unauthenticated_window(request) -> Window:
    return Window(UNAUTHENTICATED, client_ip(request))


class ScopeThrottle(BaseThrottle):
    """Per token (per user on a session) and the view's ``throttle_scope`` (``api`` when it
    names none); anonymous callers per address in ``unauthenticated``."""

    def allow_request(self, request, view) -> bool:
        user = request.user
        if user and user.is_authenticated:
            scope = getattr(view, "throttle_scope", None) or DEFAULT_SCOPE
            window = getattr(request._request, "counted_window", None)  # the lean path counted it (api/lean.py)
            if window is None or window.scope != scope:
                window = caller_window(request, scope)
            if getattr(getattr(view, getattr(view, "action", None) or "", None), "throttle_in_write", False):
                view.owed_window = window  # counted by the write's transaction, or settle()
                return True
        else:
            window = unauthenticated_window(request)
        allowed = window.hit()
        self._wait = window.wait
        return allowed

    def wait(self) -> int:
        return self._wait
