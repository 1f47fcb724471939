"""/api/v1/branches/: only your branches; staff-only creation through the service."""

import pytest

from groups.models import AuditEvent, Branch, RoleName

from .factories import BranchFactory, RoleFactory, UserFactory
from .rate_limits import RATE_LIMIT_QUERIES


def test_list_shows_only_the_users_branches_with_their_role(api, steward, branch, other_branch, outsider):
    third = BranchFactory(name="Aardvark Branch", slug="aardvark")
    RoleFactory(branch=third, user=steward, role=RoleName.MEMBER)
    body = api(steward).get("/api/v1/branches/").json()
    assert body["count"] == 2
    assert [(b["slug"], b["role"]) for b in body["results"]] == [("aardvark", "member"), ("green-lanes", "steward")]


def test_user_without_roles_sees_an_empty_list(api, db):
    body = api(UserFactory()).get("/api/v1/branches/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_branch_detail(api, member, branch):
    body = api(member).get("/api/v1/branches/green-lanes/").json()
    assert body["name"] == "Green Lanes Branch"
    assert body["role"] == "member"


def test_another_branchs_slug_is_404_json(api, outsider, branch):
    response = api(outsider).get("/api/v1/branches/green-lanes/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "Green Lanes" not in response.content.decode()


def test_unknown_slug_is_the_same_404(api, outsider, branch):
    other = api(outsider).get("/api/v1/branches/green-lanes/")
    missing = api(outsider).get("/api/v1/branches/no-such-branch/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_non_staff_cannot_create_a_branch(api, organiser, branch):
    response = api(organiser).post("/api/v1/branches/", {"name": "New Town"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only staff users may create branches."}
    assert not Branch.objects.filter(name="New Town").exists()


def test_staff_create_a_branch_and_become_its_organiser(api, db):
    staff = UserFactory(is_staff=True)
    response = api(staff).post(
        "/api/v1/branches/", {"name": "New Town Branch", "description": "North side"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "new-town-branch"
    assert response.json()["role"] == "organiser"
    branch = Branch.objects.get(slug="new-town-branch")
    assert branch.roles.get().user == staff
    assert list(branch.categories.values_list("slug", flat=True)) == [
        "party-member",
        "registered-supporter",
        "affiliated-supporter",
        "supporter",
    ]
    assert AuditEvent.objects.filter(action="branch.create", branch=branch, actor=staff).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "name"), ({"name": "   "}, "name"), ({"name": "X", "slug": "not a slug"}, "slug")],
)
def test_bad_branch_input_gives_field_errors(api, branch, body, field):
    staff = UserFactory(is_staff=True)
    before = Branch.objects.count()
    response = api(staff).post("/api/v1/branches/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert isinstance(errors[field], list) and errors[field][0]
    assert Branch.objects.count() == before


def test_taken_slug_is_a_409_that_names_the_field(api, branch):
    staff = UserFactory(is_staff=True)
    response = api(staff).post("/api/v1/branches/", {"name": "Green Lanes"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"slug": ["A branch called “green-lanes” already exists; choose another short name."]}


@pytest.mark.parametrize("n", [3, 30])
def test_branch_list_query_count_does_not_grow(api, django_assert_num_queries, n, db):
    user = UserFactory()
    for i in range(n):
        RoleFactory(user=user, branch=BranchFactory(), role=RoleName.STEWARD if i % 2 else RoleName.ORGANISER)
    client = api(user)
    # token lookup, count, page
    with django_assert_num_queries(3 + RATE_LIMIT_QUERIES):
        body = client.get("/api/v1/branches/").json()
    assert body["count"] == n
