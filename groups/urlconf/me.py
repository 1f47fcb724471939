"""URLs for me. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import api_tokens

branch_patterns: list = []
urlpatterns: list = [
    path("account/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("account/api-tokens/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
]
