"""The signed-in user's API tokens: made (named, with a lifetime) only after
re-authentication — with a TOTP code when the user has enrolled — listed,
and revoked one by one. A new key is shown once, in the answer to the
request that made it."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..errors import RollcallError
from ..models import ApiToken
from ..reauth import reauthentication_required
from ..services import tokens as token_services
from .base import add_service_error


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=token_services.MAX_NAME,
        help_text="What will use it: “Door phone”, “Membership sheet”.",
    )
    days = forms.IntegerField(label="Lasts (days)", min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].max_value = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].validators.append(_at_most)


def _at_most(value):
    if value > settings.API_TOKEN_MAX_DAYS:
        raise forms.ValidationError(f"A token lasts at most {settings.API_TOKEN_MAX_DAYS} days.")


@never_cache
@require_http_methods(["GET", "POST"])
@reauthentication_required(mfa=True, allow_get=True)
def api_tokens(request):
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = token_services.create_token(
                user=request.user, actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except RollcallError as exc:
            add_service_error(form, exc, field="name")
        else:
            form = TokenForm()
    now = timezone.now()
    tokens = list(ApiToken.objects.filter(user=request.user))
    for token in tokens:
        token.live = token.is_live(now)
    return render(
        request,
        "groups/api_tokens.html",
        {
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
            "api_base": request.build_absolute_uri("/api/v1/"),
        },
        status=400 if request.method == "POST" and not new_key else 200,
    )


@require_POST
def api_token_revoke(request, token_id):
    # Another user's token answers as a missing one: nothing revoked, nothing told.
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        messages.info(request, "You have no such token: nothing was revoked.")
    elif token_services.revoke_token(token=token, actor=request.user):
        messages.success(request, f"“{token.name}” is revoked. Programs that used it can no longer sign in with it.")
    else:
        messages.info(request, f"“{token.name}” was already revoked.")
    return redirect("api_tokens")
