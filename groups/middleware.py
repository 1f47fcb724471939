"""Request clean-up every view relies on, so no view has to remember it."""

from __future__ import annotations

from django.http import QueryDict

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
