"""API tokens (DRF's authtoken: one token per user). Audit events say that a
token was created or revoked — never its key."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from ..models import AuditAction
from . import audit


@transaction.atomic(durable=True)
def create_token(*, user, actor) -> Token:
    """A new token for the user; any earlier one stops working (create = rotate)."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit.record(
        actor=actor,
        branch=None,
        action=AuditAction.API_TOKEN_CREATE,
        object_type="user",
        object_id=user.pk,
        summary="Replaced the API token" if replaced else "Created an API token",
    )
    return token


def get_or_create_token(*, user, actor) -> tuple[Token, bool]:
    token = Token.objects.filter(user=user).first()
    if token is not None:
        return token, False
    return create_token(user=user, actor=actor), True


@transaction.atomic(durable=True)
def revoke_token(*, user, actor) -> bool:
    """Delete the user's token; False when there was none."""
    deleted = Token.objects.filter(user=user).delete()[0] > 0
    if deleted:
        audit.record(
            actor=actor,
            branch=None,
            action=AuditAction.API_TOKEN_REVOKE,
            object_type="user",
            object_id=user.pk,
            summary="Revoked the API token",
        )
    return deleted
