"""The lean path: a hot write endpoint answered without DRF's request cycle
for the common case, and by its DRF view for everything else.

Thousands of voters POST at once, and DRF's dispatch (its Request, the
negotiation, the authentication classes, the permission classes, the
throttles, the Response and its rendering) cost more CPU than the ballot's own
statements. A lean endpoint does only what the common case needs, with the
same code where it matters:

- **authentication** as DRF's classes do it, in their order: the project's
  TokenAuthentication (groups/api/authentication.py: hashed, expiring,
  revocable tokens), then the session with CSRF enforced (DRF's own
  SessionAuthentication.enforce_csrf: Django's CsrfViewMiddleware checks);
- **the rate limit**: the caller's window in the view's scope
  (groups/api/throttling.py), handed to the service so it is counted in the
  write's commit, and settled once (``settle``); over the limit, the same 429
  body and Retry-After as the DRF path (groups/api/errors.py);
- **the answer** rendered by DRF's JSONRenderer (the same bytes), with the
  ``Allow`` header DRF adds.

Anything else goes to the DRF view, the documented implementation, which
answers as it always did: no credentials or a bad token (401, counted per
address), CSRF refused (403), another method, a query string, an Accept or a
Content-Type other than plain JSON, a body that is not a JSON object, and
whatever the fast function does not take (it returns None, or raises a domain
error, 404 or 403). A request the lean path already counted is not counted
again there (``request.counted_window``, honoured by ScopeThrottle).

    def fast(call: Call, branch_slug, pk, **kwargs) -> tuple[dict, int] | None:
        ...  # call.user, call.data (the JSON object), call.window (for the service)
        return {"detail": "…"}, 201

    urlpatterns = [lean.ahead_of(router, "api-vote-ballots", fast), *router.urls]

``ahead_of`` mounts the lean view at the router route's own pattern and name,
in front of it; the router's view stays for drf-spectacular (the lean view
is no APIView, so the schema never sees it) and as the fallback.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import URLPattern
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from ..errors import RollcallError
from .authentication import TokenAuthentication
from .throttling import DEFAULT_SCOPE, Window, settle, window_for

JSON = "application/json"
_PLAIN_CONTENT_TYPES = frozenset({JSON, f"{JSON}; charset=utf-8", f"{JSON};charset=utf-8"})
# An Accept the JSON renderer satisfies as it is (no parameters DRF would act on, such as indent).
_PLAIN_ACCEPTS = frozenset({"*/*", "application/*", JSON})
_token_auth = TokenAuthentication()
_session_auth = SessionAuthentication()
_parser = JSONParser()
_renderer = JSONRenderer()
# What the fast function may raise to mean "not mine": the DRF view answers it (its body, its status).
_DECLINED = (RollcallError, Http404, PermissionDenied, exceptions.APIException)


class Call:
    """One request on the lean path: who (as DRF would authenticate them), the
    JSON object they sent, and their rate-limit window (not yet counted)."""

    __slots__ = ("request", "user", "auth", "data", "window")

    def __init__(self, request, user, auth, data: dict, window: Window):
        self.request, self.user, self.auth, self.data, self.window = request, user, auth, data, window


def authenticate(request):
    """(user, token or None) as DRF's authentication classes would give them
    (token first, then the session, CSRF enforced), or None for anything the
    DRF view should answer (no one signed in, a bad or expired token, CSRF refused)."""
    try:
        found = _token_auth.authenticate(request)
    except exceptions.AuthenticationFailed:
        return None  # the DRF view refuses it again, and counts the refusal per address
    if found is not None:
        user, token = found
        request.user = user  # as DRF's Request sets it: the middleware on the way out sees the token's user
        return user, token
    user = getattr(request, "user", None)
    if not user or not user.is_active:
        return None
    try:
        _session_auth.enforce_csrf(request)
    except exceptions.PermissionDenied:
        return None
    # Unmarked, as if no check had run: a DRF view answering after this runs
    # its own, which reads the body on the way (a bad one is then its 400 as
    # an anonymous caller's, as without the lean path).
    request.__dict__.pop("csrf_processing_done", None)
    return user, None


def plain_json(request) -> bool:
    """Whether DRF would parse and render this request as plain JSON, nothing
    for it to negotiate: no query string (?format=…), a JSON body in UTF-8, an
    Accept the JSON renderer meets without parameters."""
    meta = request.META
    if meta.get("QUERY_STRING"):
        return False
    if meta.get("CONTENT_TYPE", "").strip().lower() not in _PLAIN_CONTENT_TYPES:
        return False
    accept = meta.get("HTTP_ACCEPT", "")
    if not accept:
        return True
    types = [part.strip() for part in accept.split(",")]
    return all(";" not in t for t in types) and any(t in _PLAIN_ACCEPTS for t in types)


def json_object(request) -> dict | None:
    """The body as DRF's JSONParser reads it (NaN refused), when it is a JSON object."""
    try:
        data = _parser.parse(io.BytesIO(request.body), JSON, {"encoding": "utf-8"})
    except exceptions.ParseError:
        return None
    return data if isinstance(data, dict) else None


def json_response(data, status: int, allow: str, headers: dict | None = None) -> HttpResponse:
    """The bytes, status and headers DRF's Response would give (JSONRenderer, Allow)."""
    response = HttpResponse(_renderer.render(data), status=status, content_type=JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Allow"] = allow
    return response


def throttled(exc: exceptions.Throttled, allow: str) -> HttpResponse:
    """429 as the DRF path answers it: groups/api/errors.py's body, Retry-After."""
    from .errors import exception_handler  # errors imports throttling, as this module does

    answer = exception_handler(exc, {"request": None, "view": None})
    headers = {k: v for k, v in answer.items() if k.lower() != "content-type"}  # Retry-After
    return json_response(answer.data, answer.status_code, allow, headers)


def allowed_methods(drf_view) -> str:
    """The Allow header DRF sends for this route: its mapped methods and OPTIONS."""
    cls, actions = drf_view.cls, drf_view.actions
    return ", ".join(m.upper() for m in cls.http_method_names if m in actions or m == "options")


def endpoint(drf_view, fast, *, scope: str = DEFAULT_SCOPE, methods: tuple[str, ...] = ("POST",)):
    """A view answering ``methods`` through ``fast(call, **url_kwargs)`` →
    (data, status), or None for the DRF view ``drf_view`` to answer (see the
    module's docstring). ``scope`` must be the DRF view's throttle scope.
    ``fast`` hands ``call.window`` to its service (counted in the write's
    durable transaction) and returns after that transaction: the request is
    then counted once, with the write or on its own."""
    allow = allowed_methods(drf_view)

    def view(request, *args, **kwargs):
        if request.method not in methods or not plain_json(request):
            return drf_view(request, *args, **kwargs)
        caller = authenticate(request)
        data = json_object(request) if caller is not None else None
        if data is None:
            return drf_view(request, *args, **kwargs)
        window = window_for(caller[0], caller[1], scope)
        call = Call(request, caller[0], caller[1], data, window)
        written, refused = True, None
        try:
            answer = fast(call, *args, **kwargs)
        except exceptions.Throttled as exc:
            answer, written, refused = None, False, exc
        except _DECLINED:
            answer, written = None, False  # rolled back: the DRF view says why
        try:
            # Returned: its transaction committed whatever it counted. Raised: counted here on its own.
            settle(window, written=written)
        except exceptions.Throttled as exc:
            refused = refused or exc
        if refused is not None:
            return throttled(refused, allow)
        if answer is None:
            request.counted_window = window  # the DRF view answers; ScopeThrottle does not count it again
            return drf_view(request, *args, **kwargs)
        data, status = answer
        return json_response(data, status, allow)

    # Like DRF's views: CSRF is the authentication's to enforce (session only),
    # and an anonymous caller gets the API's 401, not the sign-in page.
    view.csrf_exempt = True
    view.login_required = False
    view.fallback = drf_view  # no `cls`: drf-spectacular documents the DRF route, not this
    view.__name__ = view.__qualname__ = f"lean_{getattr(fast, '__name__', 'view')}"
    view.__module__ = __name__
    return view


def ahead_of(router, name: str, fast, **options) -> URLPattern:
    """The lean view for the router's route ``name``: the same pattern and
    name, to be listed before ``router.urls`` (it resolves first)."""
    route = next(p for p in router.urls if p.name == name)
    return URLPattern(route.pattern, endpoint(route.callback, fast, **options), name=name)
