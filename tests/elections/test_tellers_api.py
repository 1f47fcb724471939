"""The tellers' API (docs/API.md "§7 extended: elections"): each teller's entry, every
mismatch until they agree, then the agreed papers accepted and counted — over
the services the tellers' page uses."""

import pytest
from django.urls import reverse

from groups.models import ElectionBallot, RoleName

from ..factories import RoleFactory
from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(branch, organiser):
    return helpers.paper(branch, organiser)


def url(election, tail=""):
    return f"/api/v1/branches/{election.branch.slug}/elections/{election.pk}/tellers/{tail}"


def test_two_tellers_disagree_then_agree_and_the_count_follows(paper, organiser, steward, api):
    first, second = api(organiser), api(steward)  # a steward may tell; only an organiser accepts
    state = first.get(url(paper)).json()
    assert [c["id"] for c in state["candidates"]] == [1, 2, 3] and state["agree"] is None and state["entries"] == []
    assert first.post(url(paper, "entry/"), {"papers": [[1, 2], [2, 3, 1], [], [3]]}, format="json").status_code == 200
    answer = second.post(url(paper, "entry/"), {"papers": [[1, 2], [2, 1, 3], []]}, format="json").json()
    assert answer["agree"] is False and answer["agreed"] is None
    assert answer["mismatches"] == [
        {"paper": 2, "first": [2, 3, 1], "second": [2, 1, 3]},
        {"paper": 4, "first": [3], "second": None},
    ]
    assert answer["mine"] == [[1, 2], [2, 1, 3], []]  # only their own papers in full
    assert [e["mine"] for e in answer["entries"]] == [False, True]
    refused = first.post(url(paper, "accept/"), format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "tellers_disagree"
    assert second.post(url(paper, "accept/"), format="json").status_code == 403  # stewards do not accept
    second.post(url(paper, "entry/"), {"papers": [[1, 2], [2, 3, 1], [], [3]]}, format="json")
    state = first.get(url(paper)).json()
    assert state["agree"] is True and state["mismatches"] == [] and state["agreed"] == {"papers": 4, "blank": 1}
    accepted = first.post(url(paper, "accept/"), format="json").json()
    assert accepted["papers_accepted_at"] and ElectionBallot.objects.filter(election=paper).count() == 4
    result = first.post(f"/api/v1/branches/{paper.branch.slug}/elections/{paper.pk}/close/", format="json").json()
    assert result["valid_ballots"] == 3 and result["invalid_ballots"] == 1
    assert first.get(url(paper)).json()["result"]["elected"] == result["elected"]


def test_a_bad_paper_is_refused_with_its_number(paper, organiser, api):
    bad = api(organiser).post(url(paper, "entry/"), {"papers": [[1], [4], [2, 2]]}, format="json")
    assert bad.status_code == 400
    text = str(bad.json())
    assert "paper 2" in text and "paper 3" in text and "paper 1" not in text


def test_malformed_papers_are_a_400_not_a_500(paper, organiser, api):
    for body in ({"papers": "1 2"}, {"papers": [["a"]]}, {"papers": [[True]]}, {}, {"papers": []}):
        assert api(organiser).post(url(paper, "entry/"), body, format="json").status_code == 400, body


def test_an_election_not_by_paper_answers_409(branch, organiser, api):
    from .helpers import online

    election = online(branch, organiser)
    assert api(organiser).get(url(election)).json()["code"] == "not_paper"


@pytest.mark.parametrize(("who", "read", "accept"), [("organiser", 200, 409), ("steward", 200, 403),
                                                     ("member", 403, 403), ("outsider", 404, 404)])  # fmt: skip
def test_who_may_tell(paper, who, read, accept, api, request):
    client = api(request.getfixturevalue(who))
    assert client.get(url(paper)).status_code == read
    assert client.post(url(paper, "accept/"), format="json").status_code == accept


def test_a_steward_enters_papers_on_the_tellers_page(paper, steward, client_for):
    client = client_for(steward)
    page_url = reverse("election_tellers", args=[paper.branch.slug, paper.pk])
    assert client.post(page_url, {"papers": "1\n2"}).status_code == 302
    page = client.get(page_url).content.decode()
    assert "You entered 2 papers" in page and "Accept the papers" not in page


def test_the_second_teller_of_the_api_and_the_page_share_one_comparison(paper, organiser, branch, api, client_for):
    other = RoleFactory(branch=branch, role=RoleName.ORGANISER, user__email="t2@example.org").user
    api(organiser).post(url(paper, "entry/"), {"papers": [[1], [2]]}, format="json")
    client_for(other).post(reverse("election_tellers", args=[branch.slug, paper.pk]), {"papers": "1\n2"})
    assert api(other).get(url(paper)).json()["agree"] is True


def test_a_steward_finds_the_tellers_page_from_the_elections_list(paper, steward, member, client_for):
    link = reverse("election_tellers", args=[paper.branch.slug, paper.pk])
    assert link in client_for(steward).get(reverse("election_list", args=[paper.branch.slug])).content.decode()
    assert link not in client_for(member).get(reverse("election_list", args=[paper.branch.slug])).content.decode()


def test_another_branchs_election_is_a_404_before_the_body_is_read(branch, organiser, api):
    from groups.services.branches import create_branch

    foreign = helpers.paper(create_branch(name="Elsewhere", slug="elsewhere-paper", actor=organiser), organiser)
    here = f"/api/v1/branches/{branch.slug}/elections/{foreign.pk}/tellers/entry/"
    for body in ({}, {"papers": [[1]]}):  # a bad body and a good one alike
        assert api(organiser).post(here, body, format="json").status_code == 404, body
