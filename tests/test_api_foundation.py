"""Authentication, JSON errors and pagination under /api/v1/."""

import pytest
import yaml
from django.test import Client

from .factories import CategoryFactory

CATEGORIES = "/api/v1/branches/green-lanes/categories/"


def test_token_authentication(api, organiser, branch):
    response = api(organiser).get("/api/v1/branches/")
    assert response.status_code == 200
    assert [b["slug"] for b in response.json()["results"]] == ["green-lanes"]


def test_session_authentication(client_for, organiser, branch):
    response = client_for(organiser).get("/api/v1/branches/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["results"][0]["role"] == "organiser"


def test_a_browser_gets_json_not_the_browsable_html_api(client_for, organiser, branch):
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client_for(organiser).get("/api/v1/branches/", HTTP_ACCEPT=browser_accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_session_post_needs_csrf_token(organiser, branch):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    response = client.post(CATEGORIES, {"name": "Youth"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not branch.categories.filter(name="Youth").exists()


def test_token_post_needs_no_csrf_token(api, organiser, branch):
    response = api(organiser).post(CATEGORIES, {"name": "Youth"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/api/v1/branches/", CATEGORIES, "/api/v1/branches/green-lanes/"])
def test_anonymous_gets_401_json_not_a_sign_in_redirect(api, branch, path):
    response = api().get(path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_bad_token_gets_401(api, branch):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/branches/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/branches/green-lanes/nothing/", "/api/nothing", "/api/v2/branches/"]
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_unknown_paths_under_api_answer_json_404(api, organiser, path, signed_in):
    response = api(organiser if signed_in else None).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Not found.")


def test_missing_slash_says_so(api, organiser):
    response = api(organiser).post("/api/v1/branches/green-lanes/categories", {"name": "X"}, format="json")
    assert response.status_code == 404
    assert "/api/v1/branches/green-lanes/categories/ (with a slash" in response.json()["detail"]


def test_unknown_pages_outside_the_api_stay_html(client_for, organiser):
    response = client_for(organiser).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_method_not_allowed_is_json(api, organiser, branch):
    response = api(organiser).delete(CATEGORIES)
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_server_errors_under_api_are_json(api, organiser, branch, monkeypatch):
    from groups.api.views.categories import CategoryViewSet

    def explode(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(CategoryViewSet, "get_queryset", explode)
    client = api(organiser)
    client.raise_request_exception = False
    response = client.get(CATEGORIES)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "went wrong" in response.json()["detail"]
    assert "boom" not in response.content.decode()


def test_lists_are_paginated_with_page_size(api, organiser, branch):
    for i in range(6):
        CategoryFactory(branch=branch, name=f"Extra {i}", slug=f"extra-{i}", order=10 + i)
    client = api(organiser)
    body = client.get(CATEGORIES, {"page_size": 4}).json()
    assert body["count"] == 10
    assert len(body["results"]) == 4
    assert body["previous"] is None
    assert "page=2" in body["next"] and "page_size=4" in body["next"]
    last = client.get(CATEGORIES, {"page_size": 4, "page": 3}).json()
    assert [c["slug"] for c in last["results"]] == ["extra-4", "extra-5"]
    assert last["next"] is None


def test_page_size_is_capped(api, organiser, branch):
    from groups.api.pagination import PageNumberPagination

    for i in range(5):
        CategoryFactory(branch=branch, name=f"Extra {i}", slug=f"extra-{i}")
    PageNumberPagination.max_page_size, old = 3, PageNumberPagination.max_page_size
    try:
        body = api(organiser).get(CATEGORIES, {"page_size": 1000}).json()
    finally:
        PageNumberPagination.max_page_size = old
    assert len(body["results"]) == 3
    assert old == 200


@pytest.mark.parametrize(("param", "value"), [("page", ""), ("page", "0"), ("page", "two"), ("page_size", "-1")])
def test_bad_page_parameters_are_refused(api, organiser, branch, param, value):
    response = api(organiser).get(CATEGORIES, {param: value})
    assert response.status_code == 400
    assert response.json() == {param: ["Give a whole number of at least 1."]}


def test_a_page_past_the_end_is_a_json_404(api, organiser, branch):
    response = api(organiser).get(CATEGORIES, {"page": 99})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_schema_is_valid_openapi_3_and_public(client, db):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # against the OpenAPI 3.0 JSON schema
    paths = schema["paths"]
    assert {
        "/api/v1/branches/",
        "/api/v1/branches/{branch_slug}/",
        "/api/v1/branches/{branch_slug}/categories/",
    } <= set(paths)
    assert set(paths["/api/v1/branches/{branch_slug}/categories/"]["post"]["responses"]) >= {"201", "400", "403", "404"}
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_docs_page_uses_local_files_and_no_inline_script(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<style" not in html
    assert "<script>" not in html  # every script has a src
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_every_branch_endpoint_names_a_known_capability_for_each_action():
    from groups.api import urls
    from groups.api.views.base import BranchScopedMixin
    from groups.permissions import CAPABILITIES

    checked = 0
    for pattern in urls.urlpatterns:
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is None or not issubclass(view_class, BranchScopedMixin):
            continue
        for action in pattern.callback.actions.values():
            need = view_class().capability_for(action)
            assert need in CAPABILITIES, f"{view_class.__name__}.{action} needs unknown capability {need!r}"
            checked += 1
    assert checked >= 2  # categories: list and create


def test_branch_endpoints_answer_404_to_outsiders_whatever_the_method(api, outsider, branch):
    for method in ("get", "post", "put", "delete", "options"):
        response = getattr(api(outsider), method)(CATEGORIES)
        assert response.status_code == 404, method
        assert response["Content-Type"] == "application/json"


def test_the_schema_builds_without_warnings(tmp_path):
    """`check --deploy --fail-level WARNING` (CI) fails on any schema warning, such as two
    operations with one id: say so here first, next to the API's own tests."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 0
