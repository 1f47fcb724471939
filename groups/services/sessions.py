"""Ending a user's sessions: "sign out everywhere" (issue 16). The list of
signed-in sessions is allauth's (allauth.usersessions)."""

from __future__ import annotations

from allauth.usersessions.internal.flows.sessions import end_sessions
from allauth.usersessions.models import UserSession
from django.db import transaction

from ..models import AuditAction
from . import audit


@transaction.atomic(durable=True)
def sign_out_everywhere(*, request, user) -> int:
    """End every session of the user, this one included: how many."""
    mine = list(UserSession.objects.filter(user_id=user.pk))
    audit.record(
        actor=user,
        branch=None,
        action=AuditAction.SIGN_OUT_EVERYWHERE,
        object_type="user",
        object_id=user.pk,
        summary=f"Signed out of {len(mine)} session{'s' if len(mine) != 1 else ''}",
    )
    end_sessions(request, mine)
    return len(mine)
