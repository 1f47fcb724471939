"""Session limits and required two-factor sign-in (issue 16, ASVS 3.3.2).

At sign-in (``start``, from Django's user_logged_in signal) the session
records when it began and its policy, read once from the user's roles:

- **idle timeout**: ``SESSION_IDLE_MINUTES`` (2 hours), or longer where a
  branch the user is steward or organiser of says so
  (``Branch.session_idle_minutes``, for door phones kept open through a
  meeting), never beyond ``SESSION_IDLE_MAX_MINUTES``;
- **absolute limit**: ``SESSION_ABSOLUTE_HOURS`` after sign-in, however busy;
- **two-factor required**: for organisers of any branch, and stewards of a
  branch with ``Branch.mfa_required_for_stewards``
  (``MFA_REQUIRED_FOR_ORGANISERS`` switches the rule off, for a demo).

``SessionLimitsMiddleware`` signs out a session past either limit, and sends
a user who must use two-factor but has not enrolled to allauth's TOTP
activation page until they have (sign-out, the enrolment pages and the
re-authentication they ask for stay open). The last-seen time is written at
most once a minute, so a busy door does not rewrite its session on every
keystroke.
"""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .models import RoleName
from .sql.roles import roles_with_branches

STARTED, SEEN, IDLE, MFA_REQUIRED, MFA_OK = (
    "rollcall_signed_in_at",
    "rollcall_seen_at",
    "rollcall_idle_seconds",
    "rollcall_mfa_required",
    "rollcall_mfa_ok",
)
SEEN_EVERY = 60  # seconds


def now() -> float:
    """The clock the limits read (tests pin it)."""
    return time.time()


def policy(user) -> tuple[int, bool]:
    """(idle timeout in seconds, two-factor required) from the user's roles."""
    idle = settings.SESSION_IDLE_MINUTES
    mfa = False
    for role, branch in roles_with_branches(user.pk):
        if role in (RoleName.ORGANISER, RoleName.STEWARD) and branch.session_idle_minutes:
            idle = max(idle, branch.session_idle_minutes)
        if role == RoleName.ORGANISER or (role == RoleName.STEWARD and branch.mfa_required_for_stewards):
            mfa = True
    idle = min(idle, settings.SESSION_IDLE_MAX_MINUTES)
    return idle * 60, mfa and settings.MFA_REQUIRED_FOR_ORGANISERS


def mfa_enrolled(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def start(request, user) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    idle, mfa_required = policy(user)
    at = now()
    session[STARTED] = session[SEEN] = at
    session[IDLE] = idle
    session[MFA_REQUIRED] = mfa_required
    session[MFA_OK] = not mfa_required or mfa_enrolled(user)


def signed_in_with_mfa(request) -> bool:
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


# Paths a user who must enrol may still open: enrolment itself, the
# re-authentication it asks for, signing out, static files, and the API
# (tokens are checked by their own rules).
OPEN_PATHS = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/static/", "/api/")


def _expired(session, at: float) -> str | None:
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is not None and at - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return f"You were signed out {settings.SESSION_ABSOLUTE_HOURS} hours after signing in. Sign in again."
    idle = session.get(IDLE, settings.SESSION_IDLE_MINUTES * 60)
    if seen is not None and at - seen > idle:
        return f"You were signed out after {idle // 60} minutes without using Rollcall. Sign in again."
    return None


class SessionLimitsMiddleware:
    """After MessageMiddleware (it leaves a message) and before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        session = request.session
        at = now()
        if STARTED not in session:
            # A session from before these limits: its clock starts now.
            start(request, user)
        reason = _expired(session, at)
        if reason:
            logout(request)
            messages.info(request, reason)
            return self.get_response(request)
        if at - session.get(SEEN, at) >= SEEN_EVERY:
            session[SEEN] = at
        if session.get(MFA_REQUIRED) and not session.get(MFA_OK):
            if signed_in_with_mfa(request) or mfa_enrolled(user):
                session[MFA_OK] = True
            elif not request.path.startswith(OPEN_PATHS):
                messages.info(
                    request,
                    "Your role needs two-factor sign-in. Set up an authenticator app to carry on; "
                    "from now on you will type its code when you sign in.",
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
