"""API tokens (groups/models/api_tokens.py): named, expiring, stored as a
digest. A user may hold several (one per program); each is revoked on its
own, and all of them when the password changes or the account is
deactivated. Audit events name the token and its prefix — never its key."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..errors import InvalidInput
from ..models import AuditAction
from ..models.api_tokens import PREFIX_LENGTH, ApiToken, digest_of
from . import audit

MAX_NAME = 100


def new_key() -> str:
    """43 URL-safe characters (256 random bits): no space, no padding."""
    return secrets.token_urlsafe(32)


def lifetime_days(days: int | None) -> int:
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        most = settings.API_TOKEN_MAX_DAYS
        raise InvalidInput(f"A token lasts between 1 and {most} days; choose a number in that range.")
    return days


@transaction.atomic(durable=True)
def create_token(*, user, actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token and its key (the only time the key exists outside the
    caller's hands): earlier tokens keep working until revoked or expired."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Give the token a name that says what will use it, such as “Door phone”.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Shorten the name to {MAX_NAME} characters or fewer.")
    days = lifetime_days(days)
    key = new_key()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        digest=digest_of(key),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit.record(
        actor=actor,
        branch=None,
        action=AuditAction.API_TOKEN_CREATE,
        object_type="user",
        object_id=user.pk,
        summary=f"Created the API token “{name}” ({token.prefix}…), for {days} days",
    )
    return token, key


@transaction.atomic(durable=True)
def revoke_token(*, token: ApiToken, actor) -> bool:
    """Revoke one token; False when it was already revoked."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated:
        audit.record(
            actor=actor,
            branch=None,
            action=AuditAction.API_TOKEN_REVOKE,
            object_type="user",
            object_id=token.user_id,
            summary=f"Revoked the API token “{token.name}” ({token.prefix}…)",
        )
    return bool(updated)


def revoke_all_within(*, user, actor, why: str) -> int:
    """Revoke every live token of the user, inside the caller's transaction
    (the user's own save, from groups/signals.py): how many were revoked."""
    with transaction.atomic():
        count = ApiToken.objects.filter(user=user).live().update(revoked_at=timezone.now())
        if count:
            audit.record(
                actor=actor,
                branch=None,
                action=AuditAction.API_TOKEN_REVOKE,
                object_type="user",
                object_id=user.pk,
                summary=f"Revoked {count} API token{'s' if count != 1 else ''}: {why}",
            )
    return count
