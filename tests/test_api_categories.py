"""/api/v1/branches/{slug}/categories/: organisers and stewards read, organisers add."""

import pytest

from groups.models import AuditEvent, Category

from .factories import CategoryFactory
from .rate_limits import RATE_LIMIT_QUERIES

URL = "/api/v1/branches/green-lanes/categories/"


@pytest.mark.parametrize(
    ("actor", "status"), [("organiser", 200), ("steward", 200), ("member", 403), ("outsider", 404)]
)
def test_who_may_list(api, request, branch, actor, status):
    response = api(request.getfixturevalue(actor)).get(URL)
    assert response.status_code == status
    if status == 200:
        assert [c["slug"] for c in response.json()["results"]] == [
            "party-member",
            "registered-supporter",
            "affiliated-supporter",
            "supporter",
        ]
    else:
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("actor", "status"), [("organiser", 201), ("steward", 403), ("member", 403), ("outsider", 404)]
)
def test_who_may_create(api, request, branch, actor, status):
    response = api(request.getfixturevalue(actor)).post(URL, {"name": "Young members"}, format="json")
    assert response.status_code == status
    assert Category.objects.filter(branch=branch, name="Young members").exists() == (status == 201)


def test_create_through_the_service(api, organiser, branch):
    response = api(organiser).post(URL, {"name": "Young members", "description": "Under 27"}, format="json")
    body = response.json()
    assert body["slug"] == "young-members"
    assert body["description"] == "Under 27"
    assert body["order"] == 4  # after the four defaults (0–3)
    event = AuditEvent.objects.get(action="category.create")
    assert (event.branch, event.actor, event.object_id) == (branch, organiser, str(body["id"]))


def test_other_branchs_categories_are_not_listed(api, organiser, branch, other_branch):
    CategoryFactory(branch=other_branch, name="Secret", slug="secret")
    slugs = [c["slug"] for c in api(organiser).get(URL).json()["results"]]
    assert "secret" not in slugs


def test_outsider_cannot_create_in_another_branch(api, outsider, branch):
    response = api(outsider).post(URL, {"name": "Sneaky"}, format="json")
    assert response.status_code == 404
    assert not Category.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "name", "This field is required."),
        ({"name": ""}, "name", "This field may not be blank."),
        ({"name": "Party member"}, "name", "This branch already has a category called “Party member”."),
        ({"name": "party  MEMBER"}, "name", "This branch already has a category called “party MEMBER”."),
        ({"name": "x" * 101}, "name", "Ensure this field has no more than 100 characters."),
        ({"name": " " + "x" * 100}, "name", "Ensure this field has no more than 100 characters."),
        ({"name": 5}, "name", "Give text (a JSON string), not int."),
    ],
)
def test_bad_input_gives_field_errors_and_writes_nothing(api, organiser, branch, body, field, message):
    response = api(organiser).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert branch.categories.count() == 4
    assert not AuditEvent.objects.filter(action="category.create").exists()


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow(api, organiser, branch, django_assert_num_queries, n):
    for i in range(n):
        CategoryFactory(branch=branch, name=f"Extra {i}", slug=f"extra-{i}")
    client = api(organiser)
    # token, branch with role, count, page
    with django_assert_num_queries(4 + RATE_LIMIT_QUERIES):
        body = client.get(URL, {"page_size": 100}).json()
    assert body["count"] == n + 4


@pytest.mark.parametrize(
    ("body", "slug"),
    [({"name": "Αθήνα"}, "category"), ({"name": "Youth", "slug": "ignored"}, "youth")],
)
def test_the_slug_is_made_from_the_name(api, organiser, branch, body, slug):
    response = api(organiser).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == slug
