from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path, re_path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from groups.api.errors import not_found as api_not_found


def _safe_next(request) -> str:
    """Where to go after signing in: only a path on this site (an address
    elsewhere, "//evil.example" or "https://…", would be an open redirect)."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


@login_not_required
def admin_login(request):
    """The admin signs in through allauth, so its rate limits and MFA apply."""
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied
        return redirect(_safe_next(request))
    return redirect("/accounts/login/?" + urlencode({"next": _safe_next(request)}))


urlpatterns = [
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("groups.api.urls")),
    re_path(r"^api/", api_not_found, name="api_root_not_found"),  # JSON 404 for any other /api/ path
    path("", include("groups.urls")),
]

# JSON under /api/, the HTML pages elsewhere (groups/api/errors.py).
handler400 = "groups.api.errors.handler400"
handler403 = "groups.api.errors.handler403"
handler404 = "groups.api.errors.handler404"
handler500 = "groups.api.errors.handler500"
