"""Your signed-in sessions (allauth.usersessions' list, in Rollcall's page):
sign out the others, or everywhere — this browser too."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..services import sessions as session_services


@require_POST
def sign_out_everywhere(request):
    count = session_services.sign_out_everywhere(request=request, user=request.user)
    logout(request)  # when the session was made before sessions were listed
    messages.success(request, f"Signed out everywhere ({count} session{'s' if count != 1 else ''}).")
    return redirect("home")
