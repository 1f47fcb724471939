"""DRF's JSONRenderer, taking a page's results as JSON text already written
(the people list's records, written by the database: groups/sql/people_json.py)
and putting them into the body as they are, instead of parsing and rendering
them again. Everything else renders as JSONRenderer renders it."""

from __future__ import annotations

import json

from rest_framework import renderers


class JSONText(str):
    """JSON written elsewhere, exactly as JSONRenderer would write its value
    (compact, UTF-8 text unescaped), but for U+2028 and U+2029, which the
    renderer escapes as it escapes them everywhere."""


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, JSONText):
            return super().render(data, accepted_media_type, renderer_context)
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or not self.compact or self.ensure_ascii or next(reversed(data)) != "results":
            # Pretty-printed (Accept: application/json; indent=4), ASCII only, or
            # not the paginator's last key: the text parsed and rendered the usual way.
            return super().render({**data, "results": json.loads(results)}, accepted_media_type, renderer_context)
        head = super().render({k: v for k, v in data.items() if k != "results"}, accepted_media_type, renderer_context)
        text = results.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        # {"count":…,"previous":null} → {"count":…,"previous":null,"results":[…]}
        return b"".join((head[:-1], b',"results":' if len(head) > 2 else b'"results":', text.encode(), b"}"))
