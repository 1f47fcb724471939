"""Re-authentication before the actions that matter most (issue 16, ASVS
3.5 / 4.3): exports, erasure, role changes and new API tokens. allauth's
flow does the asking — its re-authentication pages, then the suspended
request resumes — and this decides when to ask: unless the user typed
their password (or a code) within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``
seconds, at sign-in or since. With ``mfa=True`` (new API tokens) a user
enrolled in two-factor must have typed a TOTP code, so that a token is no
way round it."""

from __future__ import annotations

from functools import wraps

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired

from . import sessions


def recently_authenticated(request, *, mfa: bool = False) -> bool:
    records = get_authentication_records(request, request.user)
    if mfa and sessions.mfa_enrolled(request.user):
        records = [r for r in records if r.get("method") == "mfa"]
    if not records:
        return False
    return sessions.now() - max(r.get("at", 0) for r in records) < account_settings.REAUTHENTICATION_TIMEOUT


def reauthentication_required(view=None, *, mfa: bool = False, allow_get: bool = False):
    """The view runs only after a recent sign-in or re-authentication;
    otherwise allauth's AccountMiddleware sends the user to re-authenticate
    and then replays the request (a POST included)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not (allow_get and request.method in ("GET", "HEAD")) and not recently_authenticated(request, mfa=mfa):
                raise ReauthenticationRequired()
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
