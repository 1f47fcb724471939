"""The elections' pages: a member ranks candidates on their phone with a
number per candidate (no JS), sees why they may not vote, and reads the
result's stage-by-stage table; organisers set up, nominate and count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Election, ElectionBallot, ElectionVoterMark

from ..factories import person_with_membership
from .helpers import FREEZE, contested, members, party

pytestmark = pytest.mark.django_db


def linked(person, user):
    person.user = user
    person.save(update_fields=["user"])
    return person


def test_a_member_ranks_the_candidates_with_numbers(branch, organiser, member, client_for):
    election, nominations, voters = contested(branch, organiser)
    linked(voters[1], member)
    client = client_for(member)
    url = reverse("election_ballot", args=[branch.slug, election.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert all(f'name="rank-{n.pk}"' in page.content.decode() for n in nominations)
    gap = client.post(url, {f"rank-{nominations[0].pk}": "1", f"rank-{nominations[1].pk}": "3"})
    assert gap.status_code == 400 and "without gaps" in gap.content.decode()
    assert not ElectionVoterMark.objects.exists()
    done = client.post(url, {f"rank-{nominations[2].pk}": "1", f"rank-{nominations[0].pk}": "2"})
    assert done.status_code == 302
    assert list(ElectionBallot.objects.values_list("ranking", flat=True)) == [[nominations[2].pk, nominations[0].pk]]
    mine = client.get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "You have voted" in mine


def test_my_elections_says_why_someone_may_not_vote(branch, organiser, member, client_for):
    contested(branch, organiser)
    linked(person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=5)}), member)
    page = client_for(member).get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "You may not vote in this" in page and "freeze date" in page


def test_the_result_page_shows_every_stage_to_five_decimals(branch, organiser, member, client_for):
    election, nominations, voters = contested(branch, organiser, candidates=3, seats=2)
    from groups.services.election_ballots import cast_election_ballot, close_ballot

    a, b, c = (n.pk for n in nominations)
    for voter, ranking in zip(voters, [[a, b], [a, c], [a, b], [b], [c], [c, a]], strict=True):
        cast_election_ballot(election=election, person=voter, ranking=ranking, actor=None)
    close_ballot(election=election, actor=organiser)
    page = client_for(member).get(reverse("election_result", args=[branch.slug, election.pk])).content.decode()
    election.refresh_from_db()
    assert election.seed in page and election.ballots_sha256 in page
    for stage in election.result["stages"]:
        for total in stage["totals"].values():
            assert len(total.split(".")[1]) == 5
            assert total in page
    assert "Download the ballots" not in page  # organisers only
    # Any member may take the count away as a PDF, seed and SHA-256 printed on it.
    assert "Download the count (PDF)" in page
    pdf = client_for(member).get(reverse("election_result_pdf", args=[branch.slug, election.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_organiser_sets_up_an_election_with_a_minimum(branch, organiser, client_for):
    client = client_for(organiser)
    now = timezone.localtime(timezone.now(), branch.zone)
    response = client.post(
        reverse("election_new", args=[branch.slug]),
        {
            "title": "Conference delegates",
            "seats": "2",
            "method": "scottish_stv",
            "voting_rule": party(branch).pk,
            "election_on": "2026-03-10",
            "if_unmet": "vacant",
            "women_rule": party(branch).pk,
            "women_min": "1",
            "ballot_mode": "online",
            "ballot_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ballot_closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "freeze_on": "2026-03-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    election = Election.objects.get()
    assert election.constraints == [
        {"label": "Party members only", "rule": party(branch).pk, "people": [], "min": 1, "max": None}
    ]
    client.post(reverse("election_open_nominations", args=[branch.slug, election.pk]))
    nominee = person_with_membership(branch, first_name="Ada", last_name="Byron")
    nominator = members(branch, 1)[0]
    client.post(
        reverse("election_nominate", args=[branch.slug, election.pk]),
        {"person": nominee.pk, "nominators": [nominator.pk], "consented": "on", "consent_note": "Signed the form"},
    )
    page = client.get(reverse("election_detail", args=[branch.slug, election.pk])).content.decode()
    assert "Ada Byron" in page and "Checked when nominations close" in page
    assert "Consent recorded by an organiser: Signed the form" in page


def test_the_elections_list_costs_a_fixed_number_of_queries(
    branch, organiser, client_for, django_assert_max_num_queries
):
    from .helpers import online

    for i in range(5):
        online(branch, organiser, title=f"Election {i}")
    client = client_for(organiser)
    url = reverse("election_list", args=[branch.slug])
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.content.decode().count("Election ") >= 5
