"""Where signing in lands."""

import pytest

from groups.models import RoleName

from .factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_someone_with_no_role_sees_the_friendly_page(client_for):
    user = UserFactory(email="nobody@example.org")
    page = client_for(user).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are signed in, but not part of a branch yet" in html
    assert "nobody@example.org" in html
    assert 'class="switcher"' not in html


def test_one_branch_goes_straight_to_its_dashboard(branch, member, client_for):
    response = client_for(member).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/b/{branch.slug}/"


def test_several_branches_get_a_list_and_the_switcher(branch, other_branch, member, client_for):
    RoleFactory(user=member, branch=other_branch, role=RoleName.STEWARD)
    client = client_for(member)
    html = client.get("/").content.decode()
    assert f'href="/b/{branch.slug}/"' in html and f'href="/b/{other_branch.slug}/"' in html
    assert 'class="switcher"' in html
    dashboard = client.get(f"/b/{other_branch.slug}/").content.decode()
    assert "<summary>Elsewhere Branch</summary>" in dashboard


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
