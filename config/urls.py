from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode


@login_not_required
def admin_login(request):
    """The admin signs in through allauth, so its rate limits and MFA apply."""
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied
        return redirect(request.GET.get("next") or "admin:index")
    return redirect("/accounts/login/?" + urlencode({"next": request.GET.get("next", "/admin/")}))


urlpatterns = [
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("groups.urls")),
]
