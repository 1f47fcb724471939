"""The dashboard tells who must act on a nomination awaiting consent before
it lapses at the close: organisers see the branch's (each linked to its
election), a nominee their own (linked to accept or decline on My elections).
The page's queries do not grow with the nominations."""

import pytest
from django.urls import reverse

from groups.queries.elections import awaiting_consent, awaiting_my_consent
from groups.services import elections as elections_service
from groups.services import nominations as services

from ..factories import person_with_membership
from .helpers import chair_online, linked, members

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(branch, organiser):
    return chair_online(branch, organiser, title="Chair 2026", others_may_nominate=False)


@pytest.fixture
def me(branch, member):
    return linked(person_with_membership(branch, first_name="Maya", last_name="Mendes"), member)


def nominate(election, person, organiser, **kw):
    nominator = members(election.branch, 1)[0]
    return elections_service.nominate(election=election, person=person, nominators=[nominator], actor=organiser, **kw)


def dashboard(client_for, user, branch) -> str:
    response = client_for(user).get(reverse("branch_dashboard", args=[branch.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_organisers_see_the_nominations_awaiting_consent_with_a_link(branch, election, me, organiser, client_for):
    waiting = nominate(election, me, organiser)
    agreed = nominate(election, person_with_membership(branch, last_name="Agreed"), organiser, consented=True,
                      consent_note="Signed the form")  # fmt: skip
    assert awaiting_consent(branch) == [waiting]
    page = dashboard(client_for, organiser, branch)
    assert "1</span> Nomination awaiting the nominee's consent" in page
    assert "<strong>Maya Mendes</strong> in " in page
    assert f'<a href="{reverse("election_detail", args=[branch.slug, election.pk])}">Chair 2026</a>' in page
    assert str(agreed.person) not in page


def test_answered_withdrawn_and_closed_ones_leave_the_list(branch, election, me, member, organiser):
    nomination = nominate(election, me, organiser)
    services.accept_nomination(nomination=nomination, person=me, actor=member)
    assert awaiting_consent(branch) == [] and awaiting_my_consent(me) == []
    other = nominate(election, person_with_membership(branch), organiser)
    elections_service.withdraw_nomination(nomination=other, actor=organiser)
    assert awaiting_consent(branch) == []
    later = nominate(election, person_with_membership(branch), organiser)
    assert awaiting_consent(branch) == [later]
    elections_service.close_nominations(election=election, actor=organiser)  # `later` lapses
    assert awaiting_consent(branch) == []


def test_the_nominee_sees_theirs_with_a_link_to_answer(branch, election, me, member, organiser, client_for):
    nomination = nominate(election, me, organiser)
    assert awaiting_my_consent(me) == [nomination]
    page = dashboard(client_for, member, branch)
    assert "Nomination awaiting your answer" in page and "Chair 2026" in page
    assert f'href="{reverse("my_elections", args=[branch.slug])}#consent-{nomination.pk}"' in page
    assert "awaiting the nominee" not in page  # a member does not see the branch's list
    mine = client_for(member).get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert f'id="consent-{nomination.pk}"' in mine  # where the link lands
    services.decline_nomination(nomination=nomination, person=me, actor=member)
    assert "awaiting your answer" not in dashboard(client_for, member, branch)


def test_another_branchs_nominations_are_not_shown(branch, election, organiser, other_branch, client_for):
    nominate(election, person_with_membership(branch, last_name="Ours"), organiser)
    assert [n.person.last_name for n in awaiting_consent(branch)] == ["Ours"]
    assert awaiting_consent(other_branch) == []


def test_the_list_shows_a_few_and_says_there_are_more(branch, election, organiser, client_for):
    for _ in range(9):
        nominate(election, person_with_membership(branch), organiser)
    page = dashboard(client_for, organiser, branch)
    assert "8+</span> Nominations awaiting" in page and "See every election" in page


@pytest.mark.parametrize("n", [1, 4])
def test_the_dashboard_pins_its_queries(branch, election, me, organiser, client_for, django_assert_num_queries, n):
    """The organiser's dashboard, linked to a person with their own to answer too."""
    me.user = organiser
    me.save(update_fields=["user"])
    nominate(election, me, organiser)
    for _ in range(n):
        nominate(election, person_with_membership(branch), organiser)
    client = client_for(organiser)
    url = reverse("branch_dashboard", args=[branch.slug])
    client.get(url)
    # Before the nominations: 10. One read for the branch's awaiting, one for their own.
    with django_assert_num_queries(12):
        page = client.get(url).content.decode()
    assert "awaiting your answer" in page and f"{n + 1}</span> Nominations awaiting" in page
