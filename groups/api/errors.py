"""JSON errors everywhere under /api/ — never an HTML page.

- Domain errors (groups.errors) become {"detail", "code"} — 400 for InvalidInput,
  403 NotAllowed, 409 Conflict. One raised with field errors
  (`errors={"name": ["…"]}`, the services' convention) answers those field
  errors, shaped like DRF's own serializer errors, with the same status; one
  raised with `field="name"` answers {"name": [message]}.
- Django's Http404 / PermissionDenied raised in API views become DRF's JSON.
- Unknown URLs under /api/ reach `not_found` (the last pattern in
  groups/api/urls.py and config/urls.py), and the project's handler404/403/400/500
  (config/urls.py) answer JSON for any path under /api/, HTML elsewhere.
- The database out of reach answers 503 with Retry-After (JSON under /api/,
  a plain page elsewhere), not 500.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import Conflict, NotAllowed, RollcallError
from .throttling import unauthenticated_window

STATUS_FOR = {NotAllowed: status.HTTP_403_FORBIDDEN, Conflict: status.HTTP_409_CONFLICT}
API_PREFIX = "/api/"


def exception_handler(exc, context):
    if isinstance(exc, RollcallError):
        code = next((s for cls, s in STATUS_FOR.items() if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST)
        field_errors = exc.details.get("errors")
        if field_errors:
            return Response(field_errors, status=code)
        field = exc.details.get("field")
        if isinstance(field, str) and field:
            # The other convention (groups.services.rules): one message about one field.
            return Response({field: [exc.message]}, status=code)
        extra = {k: v for k, v in exc.details.items() if k != "errors"}
        return Response({"detail": exc.message, "code": exc.code, **extra}, status=code)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)) and context.get("request"):
        # DRF refuses a missing or bad token before its throttles run: count
        # the refusals here, per address, so that guessing tokens slows to 429.
        window = unauthenticated_window(context["request"])
        if not window.hit():
            exc = exceptions.Throttled(window.wait)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.Throttled) and response is not None:
        response.data = {"detail": response.data["detail"], "code": "throttled", "retry_after": exc.wait}
    return response


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Every path under /api/ that no endpoint claims. Says where the slash
    was missing, since APPEND_SLASH cannot redirect past this catch-all."""
    detail = "Not found."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            detail = f"Not found. Did you mean {request.path}/ (with a slash at the end)?"
    return JsonResponse({"detail": detail}, status=404)


not_found.login_required = False  # answer anonymous callers in JSON too, not with a sign-in page


def handler404(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def handler400(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER = 30


def _database_unavailable() -> bool:
    """Whether the error being handled is the database being out of reach (a
    restart, a network cut, SQLite busy beyond its timeout): then the answer is
    "try again shortly", not "something is broken"."""
    error = sys.exc_info()[1]
    return isinstance(error, (OperationalError, InterfaceError))


def handler500(request):
    """500, or 503 with Retry-After when the database is out of reach. Neither
    touches the database: both must answer while it is down."""
    if _database_unavailable():
        if _is_api(request):
            response = JsonResponse(
                {
                    "detail": "The database cannot be reached just now. Nothing was saved; try again shortly.",
                    "code": "unavailable",
                    "retry_after": RETRY_AFTER,
                },
                status=503,
            )
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if _is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side; please try again later."}, status=500)
    return defaults.server_error(request)
