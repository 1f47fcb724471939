"""The client's address, the one every rate limit counts by.

Behind the reverse proxy README deploys with, REMOTE_ADDR is the proxy's
address for every request: counting by it lets ten bad sign-ins from anyone
lock everyone out. Each trusted proxy appends the address it received from to
X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies in front of us the
client is the entry that many from the right. Entries further left were
written by the client and are never trusted. allauth is given the same count
(ALLAUTH_TRUSTED_PROXY_COUNT) and asks groups.accounts.AccountAdapter, which
answers from here, so the sign-in limits and ours agree."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of whoever sent the request, as far as our proxies vouch."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = _clean(request.META.get("REMOTE_ADDR", "")) or "unknown"
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        # Not through the proxy (a health check from the host itself).
        return remote
    # Fewer entries than proxies: the leftmost is the furthest our proxies saw.
    return _clean(forwarded[-min(proxies, len(forwarded))]) or remote
