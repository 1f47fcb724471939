"""Constraints on an uncontested election (issue 13 item 5): two delegates with at
least one woman, decided at the close of nominations — the branch's rule applied
and stated on the result."""

import pytest
from django.urls import reverse

from groups.models import ElectionStatus, PositionHolder
from groups.services import elections as services

from .helpers import members, online

pytestmark = pytest.mark.django_db


def delegation(branch, organiser, standing, women, *, if_unmet, low=1, high=None, seats=2):
    """An online delegation of `seats`; the constraint names `women` (people) of those `standing`."""
    voter = members(branch, 1)[0]
    election = online(
        branch, organiser, seats=seats, if_unmet=if_unmet,
        constraints=[{"label": "women", "people": [p.pk for p in women], "min": low, "max": high}],
    )  # fmt: skip
    for person in standing:
        services.nominate(
            election=election,
            person=person,
            nominators=[voter],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
    return services.close_nominations(election=election, actor=organiser)


def test_a_woman_and_a_man_for_two_seats_are_declared(branch, organiser):
    ada, bob = members(branch, 2)
    election = delegation(branch, organiser, [ada, bob], [ada], if_unmet="vacant")
    assert election.status == ElectionStatus.DECLARED
    assert election.nominations.filter(elected=True).count() == 2 and election.result["notes"] == []


def test_one_man_standing_with_vacant_takes_one_seat_and_the_womans_stays_vacant(branch, organiser, client_for):
    (bob,) = members(branch, 1)
    woman_not_standing = members(branch, 1)[0]
    election = delegation(branch, organiser, [bob], [woman_not_standing], if_unmet="vacant")
    assert election.status == ElectionStatus.DECLARED
    assert election.result["elected"] == [str(bob)] and election.result["vacant_seats"] == 1
    assert "1 seat will stay vacant" in election.result["notes"][0]
    page = client_for(organiser).get(reverse("election_result", args=[branch.slug, election.pk])).content.decode()
    assert "1 seat will stay vacant" in page and "1 seat left vacant" in page


def test_two_men_with_vacant_go_to_a_ballot_for_the_one_seat_left(branch, organiser):
    bob, cy, dee = members(branch, 3)  # Dee, a woman, does not stand
    election = delegation(branch, organiser, [bob, cy], [dee], if_unmet="vacant")
    assert election.status == ElectionStatus.BALLOT and election.result is None
    assert not election.nominations.filter(elected=True).exists()


def test_two_men_with_anyone_are_both_declared_and_the_result_says_why(branch, organiser, api):
    bob, cy, dee = members(branch, 3)
    election = delegation(branch, organiser, [bob, cy], [dee], if_unmet="anyone")
    assert election.status == ElectionStatus.DECLARED
    assert sorted(election.result["elected"]) == sorted([str(bob), str(cy)])
    assert "1 seat may go to any candidate" in election.result["notes"][0]
    answer = api(organiser).get(f"/api/v1/branches/{branch.slug}/elections/{election.pk}/result/").json()
    assert answer["notes"] == election.result["notes"] and answer["if_unmet"] == "anyone"


def test_at_most_one_man_with_two_men_standing(branch, organiser):
    bob, cy = members(branch, 2)
    # "men" here: the group named, at most one of them.
    vacant = delegation(branch, organiser, [bob, cy], [bob, cy], if_unmet="vacant", low=0, high=1)
    assert vacant.status == ElectionStatus.BALLOT


def test_at_most_one_man_with_anyone_declares_both_and_appoints_them(branch, organiser):
    from groups.models import Position

    bob, cy = members(branch, 2)
    Position.objects.create(branch=branch, slug="delegate", name="Delegate", seats=2)
    anyone = delegation(branch, organiser, [bob, cy], [bob, cy], if_unmet="anyone", low=0, high=1)
    assert anyone.status == ElectionStatus.DECLARED and len(anyone.result["elected"]) == 2
    assert "they go to any candidate" in anyone.result["notes"][0]
    assert not PositionHolder.objects.exists()  # a delegation without positions appoints nobody
