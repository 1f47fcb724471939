"""The online election ballot's lean path (groups/api/lean.py): the same URL,
bodies and codes as ElectionViewSet.ballots, answered without DRF's request
cycle for a plain JSON ballot, by the DRF view for everything else."""

import json

import pytest
from django.test import Client
from django.urls import resolve
from django.utils.crypto import get_random_string

from groups.models import ElectionBallot, ElectionVoterMark

from .helpers import contested

pytestmark = pytest.mark.django_db


def url(election):
    return f"/api/v1/branches/{election.branch.slug}/elections/{election.pk}/ballots/"


def session_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = get_random_string(32)  # as a page's CSRF cookie carries it; the header must match
    client.cookies["csrftoken"] = token
    return client, token


def post(client, election, body, **headers):
    return client.post(url(election), json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def ballot(branch, organiser, member):
    election, nominations, voters = contested(branch, organiser)
    voter = voters[2]
    voter.user = member
    voter.save(update_fields=["user"])
    return election, nominations, voter


def test_the_route_is_the_lean_view_in_front_of_the_documented_one(ballot):
    election, _, _ = ballot
    view = resolve(url(election)).func
    assert view.__name__ == "lean_lean_ballot" and view.fallback.cls.__name__ == "ElectionViewSet"


def test_a_session_with_its_csrf_token_casts_and_without_it_is_refused(ballot, member):
    election, nominations, voter = ballot
    client, token = session_client(member)
    refused = post(client, election, {"ranking": [nominations[0].pk]})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    cast = post(client, election, {"ranking": [nominations[0].pk]}, HTTP_X_CSRFTOKEN=token)
    assert cast.status_code == 201 and cast.json() == {"detail": "Your ballot has been recorded."}
    assert cast["Allow"] == "POST, OPTIONS"
    again = post(client, election, {"ranking": [nominations[1].pk]}, HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert ElectionVoterMark.objects.filter(election=election, person=voter).count() == 1
    assert ElectionBallot.objects.filter(election=election).count() == 1


def test_what_the_lean_path_does_not_take_the_drf_view_answers_as_before(ballot, member, api):
    election, nominations, _ = ballot
    client = api(member)
    assert client.post(url(election), {"ranking": "first"}, format="json").status_code == 400
    assert client.post(url(election), {"ranking": [True]}, format="json").status_code == 400
    other = f"/api/v1/branches/{election.branch.slug}/elections/999999/ballots/"
    assert client.post(other, {"ranking": [nominations[0].pk]}, format="json").status_code == 404
    # A number as text is the serializer's to read, as it always was: counted.
    cast = client.post(url(election), {"ranking": [str(nominations[0].pk)]}, format="json")
    assert cast.status_code == 201, cast.json()
    assert list(ElectionBallot.objects.filter(election=election).values_list("ranking", flat=True)) == [
        [nominations[0].pk]
    ]


def test_someone_without_a_role_gets_the_same_404(ballot, other_branch, api):
    from ..factories import RoleFactory

    election, nominations, _ = ballot
    outsider = RoleFactory(branch=other_branch, role="member").user
    response = api(outsider).post(url(election), {"ranking": [nominations[0].pk]}, format="json")
    assert response.status_code == 404
    assert not ElectionVoterMark.objects.filter(election=election).exists()
