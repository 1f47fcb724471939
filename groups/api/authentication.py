"""API authentication by token (groups/models/api_tokens.py): the header
``Authorization: Token <key>``, as before. The key is hashed and looked up by
its digest — one indexed query with the user; a revoked or expired token, or
an inactive user, is a 401 like a key that never existed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication

from ..models.api_tokens import ApiToken, digest_of

# "Last used" is written at most this often per token: not on every door keystroke.
LAST_USED_EVERY = timedelta(minutes=5)


class TokenAuthentication(DRFTokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
        now = timezone.now()
        if token is None or not token.is_live(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token
