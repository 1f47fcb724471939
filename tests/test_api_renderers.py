"""groups/api/renderers.py: a page's results given as JSON text are put into
the body as they are, and the body is what DRF's JSONRenderer writes for the
same data parsed; anything else renders as DRF renders it."""

import json

import pytest
from rest_framework.renderers import JSONRenderer as DRFRenderer

from groups.api.renderers import JSONRenderer, JSONText

RESULTS = [
    {"id": 1, "notes": 'a "b" \\ \n \u2028 \u2029 é 🙂', "memberships": []},
    {"id": 2, "memberships": [{"id": 3}]},
]


def _text(value) -> JSONText:
    # As the database writes it: compact, UTF-8 unescaped, U+2028 left as it is.
    return JSONText(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


@pytest.mark.parametrize("results", [RESULTS, []])
@pytest.mark.parametrize("media", [None, "application/json", "application/json; indent=2"])
def test_the_text_renders_as_the_values_it_holds(results, media):
    data = {"count": len(results), "next": "http://testserver/x/?page=2&q=%C3%A9", "previous": None}
    got = JSONRenderer().render({**data, "results": _text(results)}, media, {})
    assert got == DRFRenderer().render({**data, "results": results}, media, {})


def test_results_not_last_or_alone():
    for data in ({"results": _text(RESULTS), "count": 2}, {"results": _text(RESULTS)}):
        plain = {k: (RESULTS if k == "results" else v) for k, v in data.items()}
        assert JSONRenderer().render(data) == DRFRenderer().render(plain)


@pytest.mark.parametrize("data", [{"detail": "Not found."}, [1, 2], None, {"results": [1]}, "text"])
def test_anything_else_renders_as_drf_renders_it(data):
    assert JSONRenderer().render(data) == DRFRenderer().render(data)
