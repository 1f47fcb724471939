"""Walk every URL pattern as anonymous, as a user of another branch, and as
member, steward and organiser (see tests/matrix/__init__.py), and compare each
answer with the literal table in tests/matrix/expected.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import all_entries
from .matrix.expected import ACTORS, EXPECTED

# Third-party URL sets with their own tests and their own access rules; and the
# REST API (groups.api), whose endpoints answer JSON (401 rather than a sign-in
# redirect) and have their own permission tests in tests/test_api_*.py.
SKIP_MODULE_PREFIXES = ("allauth.", "django.contrib.admin.", "django.views.static", "drf_spectacular.", "groups.api.")
SKIP_NAMES = {"admin_login"}


def _walk(patterns, prefix_namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix_namespace}{p.namespace}:" if p.namespace else prefix_namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield prefix_namespace, p


def project_url_names() -> set[str]:
    names = set()
    for ns, pattern in _walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if view_class is not None:
            module = view_class.__module__
        if module.startswith(SKIP_MODULE_PREFIXES) or ns.startswith("admin:"):
            continue
        assert pattern.name, f"URL pattern {pattern.pattern} has no name, so the matrix cannot cover it"
        if pattern.name in SKIP_NAMES:
            continue
        names.add(f"{ns}{pattern.name}")
    return names


ENTRIES = all_entries()


def test_every_url_pattern_is_in_the_matrix():
    missing = project_url_names() - set(ENTRIES)
    assert not missing, f"Add these URL names to tests/matrix/: {sorted(missing)}"
    stale = set(ENTRIES) - project_url_names()
    assert not stale, f"The matrix names URLs that no longer exist: {sorted(stale)}"


@dataclass
class World:
    branch: object
    organiser: object
    other_branch: object


@pytest.fixture
def world(branch, organiser, other_branch, outsider, steward, member):
    return World(branch=branch, organiser=organiser, other_branch=other_branch)


def test_the_expected_table_names_every_url_of_the_matrix():
    assert sorted(EXPECTED) == sorted(ENTRIES)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_permission_matrix(name, actor, world, client, outsider, steward, member, organiser):
    entry = ENTRIES[name]
    users = {"outsider": outsider, "member": member, "steward": steward, "organiser": organiser}
    if actor != "anonymous":
        client.force_login(users[actor])
    url = reverse(name, kwargs=entry.kwargs(world))
    body = entry.data(world) if entry.data else {}
    response = getattr(client, entry.method)(url, body)
    expected = EXPECTED[name][actor]
    if expected == "login":
        assert response.status_code == 302, f"{name} as anonymous answered {response.status_code}"
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
    else:
        assert response.status_code == expected, f"{name} as {actor}: {response.status_code}, expected {expected}"
        if expected == 302:
            assert not response["Location"].startswith(reverse("account_login")), (name, actor)


@pytest.mark.parametrize("name", sorted(n for n, e in ENTRIES.items() if e.need))
def test_branch_views_declare_the_capability_the_matrix_expects(name):
    from django.urls import resolve

    entry = ENTRIES[name]
    # A placeholder kwargs set is enough to resolve the view function.
    match = next(p for _, p in _walk(get_resolver().url_patterns) if p.name == name)
    view = match.callback
    declared = getattr(view, "permission", None) or getattr(getattr(view, "view_class", None), "permission", None)
    assert declared == entry.need, f"{name} declares {declared!r}; the matrix expects {entry.need!r}"
    assert resolve  # keeps the import honest for readers following the resolver
