"""Paper ballots entered by two tellers: every mismatch listed until they
agree; then counted like any other ballots."""

import pytest
from django.urls import reverse

from groups.errors import Conflict, InvalidInput
from groups.models import ElectionBallot, ElectionStatus, RoleName
from groups.services import paper_ballots
from groups.services.election_ballots import cast_election_ballot, close_ballot

from ..factories import RoleFactory
from . import helpers
from .helpers import members

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(branch, organiser):
    return helpers.paper(branch, organiser)


@pytest.fixture
def second_teller(branch):
    return RoleFactory(branch=branch, role=RoleName.ORGANISER, user__email="teller@example.org").user


def test_a_mismatch_is_listed_until_the_tellers_agree(paper, organiser, second_teller):
    paper_ballots.enter_papers(election=paper, actor=organiser, text="1 2\n2 3 1\n-\n3")
    paper_ballots.enter_papers(election=paper, actor=second_teller, text="1 2\n2 1 3\n-")
    _, differences = paper_ballots.mismatches(paper)
    assert differences == [
        {"paper": 2, "first": [2, 3, 1], "second": [2, 1, 3]},
        {"paper": 4, "first": [3], "second": None},
    ]
    with pytest.raises(Conflict) as refused:
        paper_ballots.accept_papers(election=paper, actor=organiser)
    assert refused.value.code == "tellers_disagree" and "2 papers" in refused.value.message
    assert not ElectionBallot.objects.exists()
    paper_ballots.enter_papers(election=paper, actor=second_teller, text="1 2\n2 3 1\n-\n3")
    assert paper_ballots.mismatches(paper)[1] == []
    assert paper_ballots.accept_papers(election=paper, actor=organiser) == 4
    election = close_ballot(election=paper, actor=organiser)
    assert election.status == ElectionStatus.DECLARED
    assert election.result["valid_ballots"] == 3 and election.result["invalid_ballots"] == 1


def test_one_teller_alone_cannot_accept_and_the_count_waits(paper, organiser):
    paper_ballots.enter_papers(election=paper, actor=organiser, text="1\n2")
    with pytest.raises(Conflict) as refused:
        paper_ballots.accept_papers(election=paper, actor=organiser)
    assert refused.value.code == "needs_two_tellers"
    with pytest.raises(Conflict) as early:
        close_ballot(election=paper, actor=organiser)
    assert early.value.code == "papers_not_accepted"


def test_a_bad_line_is_refused_with_its_number(paper, organiser):
    with pytest.raises(InvalidInput) as bad:
        paper_ballots.enter_papers(election=paper, actor=organiser, text="1 2\n4\n2 2\nx")
    assert "line 2" in bad.value.message and "line 3" in bad.value.message and "line 4" in bad.value.message


def test_nobody_votes_online_in_a_paper_election(paper, organiser):
    voter = members(paper.branch, 1)[0]
    candidate = paper.nominations.filter(status="standing").first()
    with pytest.raises(Conflict) as refused:
        cast_election_ballot(election=paper, person=voter, ranking=[candidate.pk], actor=None)
    assert refused.value.code == "paper_ballot"


def test_the_tellers_page_lists_the_mismatches(paper, organiser, second_teller, client_for):
    paper_ballots.enter_papers(election=paper, actor=second_teller, text="1\n2")
    client = client_for(organiser)
    url = reverse("election_tellers", args=[paper.branch.slug, paper.pk])
    assert client.post(url, {"papers": "1\n3"}).status_code == 302
    page = client.get(url).content.decode()
    assert "1 paper differs" in page and "Accept the papers" not in page


def test_the_tellers_page_of_an_election_not_by_paper_sends_the_organiser_back(paper, organiser, client_for):
    paper.ballot_mode = "online"
    paper.save(update_fields=["ballot_mode"])
    client = client_for(organiser)
    url = reverse("election_tellers", args=[paper.branch.slug, paper.pk])
    response = client.post(url, {"papers": "1\n2"}, follow=True)
    assert "not by paper ballot" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("election_detail", args=[paper.branch.slug, paper.pk])
    assert not paper.teller_entries.exists()
