"""The ballots as a BLT file, for an independent recount: the organisers' page and the API
download the same file with the same headers (groups/exports/blt.py), and neither answers one
before nominations close."""

import pytest
from django.urls import reverse

from groups import counting
from groups.services import elections as services
from groups.services.election_ballots import cast_election_ballot, close_ballot

from .helpers import contested, members, online

pytestmark = pytest.mark.django_db


def api_blt(branch, election):
    return f"/api/v1/branches/{branch.slug}/elections/{election.pk}/ballots.blt"


def page_blt(branch, election):
    return reverse("election_blt", args=[branch.slug, election.pk])


def test_the_page_and_the_api_download_the_same_file_with_its_name_and_no_store(branch, organiser, client_for, api):
    election, nominations, voters = contested(branch, organiser, candidates=3, seats=1)
    a, b, c = (n.pk for n in nominations)
    for voter, ranking in zip(voters, [[a, b], [a, b], [c]], strict=False):
        cast_election_ballot(election=election, person=voter, ranking=ranking, actor=None)
    close_ballot(election=election, actor=organiser)
    election.refresh_from_db()
    page, answer = client_for(organiser).get(page_blt(branch, election)), api(organiser).get(api_blt(branch, election))
    for response in (page, answer):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="election-{election.pk}.blt"'
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert page.content == answer.content
    ballots = counting.read_blt(page.content)
    assert ballots.sha256() == election.ballots_sha256  # the file the declared result was counted from
    text = page.content.decode()
    assert text.startswith("3 1\n") and "2 1 2 0\n" in text and "1 3 0\n" in text  # two a-then-b merged; one c


def test_the_ballots_so_far_while_the_ballot_is_open(branch, organiser, client_for):
    election, nominations, voters = contested(branch, organiser)
    cast_election_ballot(election=election, person=voters[0], ranking=[nominations[1].pk], actor=None)
    text = client_for(organiser).get(page_blt(branch, election)).content.decode()
    assert text.startswith("3 2\n") and "1 2 0\n" in text


def test_before_nominations_close_there_is_no_file(branch, organiser, client_for, api):
    election = online(branch, organiser)  # nominations open
    services.nominate(election=election, person=members(branch, 1)[0], nominators=members(branch, 1), actor=organiser)
    page = client_for(organiser).get(page_blt(branch, election), follow=True)
    assert page.redirect_chain[-1][0] == reverse("election_detail", args=[branch.slug, election.pk])
    assert "There are no ballots before nominations close." in page.content.decode()
    answer = api(organiser).get(api_blt(branch, election))
    assert answer.status_code == 409 and answer.json()["code"] == "no_ballots"
