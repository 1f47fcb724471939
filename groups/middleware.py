"""Request clean-up every view relies on, so no view has to remember it."""

from __future__ import annotations

from django.http import JsonResponse, QueryDict

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _without_nul(data: QueryDict) -> QueryDict:
    if not any(NUL in key or any(NUL in v for v in values) for key, values in data.lists()):
        return data
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean.setlist(key.replace(NUL, ""), [v.replace(NUL, "") for v in values])
    clean._mutable = False
    return clean


class StripNulMiddleware:
    """Drop NUL characters from query strings and submitted forms.

    PostgreSQL refuses NUL in text, so a NUL typed (or sent) into any form
    field that reaches a query or an INSERT would be a 500. Django's form
    fields already refuse it, but views that read request.GET/POST directly
    (door search, overrides, the rule editor, the paper list) did not; this
    is the one place that covers them all. The API is left alone: it reads
    JSON (its CharFields refuse NUL with a 400) and DRF parses its own
    multipart bodies, which reading request.POST here would consume."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not request.path_info.startswith("/api/")
        ):
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


# No page uses a microphone or location, and only the door pages the camera: their scanner
# (groups/static/groups/door_scan.js) reads badges' QR codes in the page. Everywhere else the
# camera stays off, so a script that got in somewhere could not open it.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
DOOR_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
CAMERA_PAGES = frozenset({"door", "door_qr_open"})  # url names: the door page, and it opened by a badge


def permissions_policy(request) -> str:
    match = getattr(request, "resolver_match", None)
    return DOOR_PERMISSIONS_POLICY if match is not None and match.url_name in CAMERA_PAGES else PERMISSIONS_POLICY


class PrivateResponseMiddleware:
    """Every answer to a signed-in user (a page, the API with a token or a
    session) holds or is about someone's data: no shared cache and no
    browser's back-button cache may keep it (Cache-Control: no-store,
    private). And the Permissions-Policy on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # request.user is the DRF-authenticated user for API calls (DRF sets it back on the request).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        response.setdefault("Permissions-Policy", permissions_policy(request))
        return response


class SingleValuedQueryMiddleware:
    """Under /api/ every query parameter takes one value: `?page=1&page=9` is
    refused with a 400 naming the parameter, where Django would quietly use
    the last one and a client (or a cache in between) the first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
            if repeated:
                names = ", ".join(f"“{key}”" for key in repeated)
                return JsonResponse(
                    {"detail": f"Give {names} once.", "code": "repeated_parameter", "parameters": repeated},
                    status=400,
                )
        return self.get_response(request)


class SignOutWipesDeviceMiddleware:
    """Signing out wipes what this site kept on the device: the door list in
    IndexedDB, the queued check-ins, the kept door pages and the service worker
    (Clear-Site-Data; browsers honour it on https and on localhost).
    groups/static/groups/app.js does the same on the next page, for browsers that do not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and request.path_info == _logout_path() and response.status_code in (200, 302, 303):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def _logout_path() -> str:
    from django.urls import reverse

    return reverse("account_logout")
