"""The signed-in user's API token: create (or replace) and revoke. The key is
shown once, in the answer to the request that created it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from ..services import tokens as token_services


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_key = None
    if request.method == "POST":
        new_key = token_services.create_token(user=request.user, actor=request.user).key
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "groups/api_tokens.html",
        {"token": token, "new_key": new_key, "api_base": request.build_absolute_uri("/api/v1/")},
    )


@require_POST
def api_token_revoke(request):
    if token_services.revoke_token(user=request.user, actor=request.user):
        messages.success(request, "Your API token is revoked. Programs that used it can no longer sign in with it.")
    else:
        messages.info(request, "You had no API token to revoke.")
    return redirect("api_tokens")
