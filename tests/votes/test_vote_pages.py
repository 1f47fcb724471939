"""The chair's vote panel, the member's "Vote now" page (a plain POST form,
no JavaScript needed) with its refusal page, and the standing orders page."""

import pytest
from django.urls import reverse

from groups.models import Preset, StandingOrders, Vote, VotedMark
from groups.services.votes import cast_ballot, create_vote, open_vote

from ..factories import RoleFactory
from .helpers import hall

pytestmark = pytest.mark.django_db


def chair_url(meeting, name="meeting_votes", *ids):
    return reverse(name, args=[meeting.branch.slug, meeting.pk, *ids])


def test_the_chair_sets_up_opens_counts_and_closes_a_show_of_hands(client_for, organiser, branch):
    meeting, _, _ = hall(branch, organiser, members=4, quorum=10)
    client = client_for(organiser)
    page = client.get(chair_url(meeting))
    assert page.status_code == 200 and "No votes yet" in page.content.decode()
    made = client.post(
        chair_url(meeting, "vote_create"),
        {"question": "That we affiliate", "method": "show_of_hands", "kind": "motion"},
    )
    assert made.status_code == 302
    vote = Vote.objects.get(meeting=meeting)
    refused = client.post(chair_url(meeting, "vote_open", vote.pk), {}, follow=True)
    assert "Not quorate — 4 of 10 needed" in refused.content.decode()
    client.post(chair_url(meeting, "vote_open", vote.pk), {"override_reason": "Agreed to proceed"})
    vote.refresh_from_db()
    assert vote.status == "open" and vote.override_reason == "Agreed to proceed"
    too_many = client.post(
        chair_url(meeting, "vote_tally", vote.pk), {"votes_for": 4, "votes_against": 1, "abstain": 0}, follow=True
    )
    assert "more than the 4 entitled" in too_many.content.decode()
    client.post(chair_url(meeting, "vote_tally", vote.pk), {"votes_for": 3, "votes_against": 1, "abstain": 0})
    done = client.post(chair_url(meeting, "vote_close", vote.pk), {}, follow=True)
    text = done.content.decode()
    assert "Carried" in text and "a simple majority of those voting of 4 needs 3" in text
    assert "Opened although not quorate" in text


def test_a_named_vote_shows_each_choice_to_the_chair(client_for, organiser, branch):
    meeting, voters, _ = hall(branch, organiser, members=2, quorum=1)
    vote = open_vote(vote=create_vote(meeting=meeting, actor=organiser, question="Q", method="named"), actor=organiser)
    cast_ballot(vote=vote, person=voters[0], choice="against", actor=None)
    text = client_for(organiser).get(chair_url(meeting)).content.decode()
    assert f"{voters[0].first_name} {voters[0].last_name}: Against" in text and "1 of 2 have voted" in text


@pytest.mark.parametrize("votes", [1, 3])
def test_the_chair_page_runs_a_fixed_number_of_queries(client_for, organiser, branch, votes, django_assert_num_queries):
    meeting, voters, _ = hall(branch, organiser, members=2, quorum=1)
    for i in range(votes):
        vote = open_vote(
            vote=create_vote(meeting=meeting, actor=organiser, question=f"Q{i}", method="named"), actor=organiser
        )
        cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
    client = client_for(organiser)
    client.get(chair_url(meeting))  # warm the session
    # 8 (10 before the quorum's eligible count came from the cache the first visit filled: its COUNT and
    # category lookup), the speakers' panel (its settings, the waiting requests, those who have spoken)
    # and 2 for the business panel (agenda items, motions: groups/queries/motions.py panel).
    with django_assert_num_queries(13):
        assert client.get(chair_url(meeting)).status_code == 200


def test_a_member_votes_on_their_phone_without_javascript(client_for, member, organiser, branch):
    meeting, voters, _ = hall(branch, organiser, members=3)
    voters[0].user = member
    voters[0].save(update_fields=["user"])
    vote = open_vote(vote=create_vote(meeting=meeting, actor=organiser, question="Q", method="secret"), actor=organiser)
    client = client_for(member)
    page = client.get(reverse("vote_now", args=[branch.slug, meeting.pk]))
    assert page.status_code == 200 and 'type="radio" name="choice"' in page.content.decode()
    done = client.post(reverse("vote_cast", args=[branch.slug, meeting.pk, vote.pk]), {"choice": "for"}, follow=True)
    assert "has been recorded" in done.content.decode() and "You have voted" in done.content.decode()
    assert VotedMark.objects.filter(vote=vote, person=voters[0]).count() == 1


def test_the_phone_page_follows_the_chair_and_shows_the_result_once_closed(
    client_for, member, organiser, branch, django_assert_max_num_queries
):
    from groups.services.votes import close_vote

    meeting, voters, _ = hall(branch, organiser, members=3)
    voters[0].user = member
    voters[0].save(update_fields=["user"])
    client = client_for(member)
    url = reverse("vote_now", args=[branch.slug, meeting.pk])
    waiting = client.get(url).content.decode()
    # Nothing to fill in: the page polls for the chair's next vote by itself.
    assert "appears here by itself" in waiting and 'hx-trigger="every 4s"' in waiting
    vote = open_vote(vote=create_vote(meeting=meeting, actor=organiser, question="Q", method="secret"), actor=organiser)
    ballot = client.get(url).content.decode()
    assert 'name="choice"' in ballot and "hx-trigger" not in ballot  # a ballot being filled in is left alone
    cast_ballot(vote=vote, person=voters[0], choice="for", actor=member)
    cast_ballot(vote=vote, person=voters[1], choice="against", actor=None)
    cast_ballot(vote=vote, person=voters[2], choice="for", actor=None)
    voted = client.get(url).content.decode()
    assert "You have voted" in voted and 'hx-trigger="every 4s"' in voted
    close_vote(vote=vote, actor=organiser)
    with django_assert_max_num_queries(12):
        result = client.get(url).content.decode()
    assert "Results" in result and "✓ </span>Carried" in result
    assert "For 2 · Against 1 · Abstaining 0" in result and "No vote is open" in result


def test_a_refused_member_sees_why_in_plain_english(client_for, organiser, branch):
    meeting, _, others = hall(branch, organiser, members=3, supporters=1)
    user = RoleFactory(branch=branch, role="member", user__email="sup@example.org").user
    others[0].user = user
    others[0].save(update_fields=["user"])
    vote = open_vote(vote=create_vote(meeting=meeting, actor=organiser, question="Q", method="secret"), actor=organiser)
    refused = client_for(user).post(reverse("vote_cast", args=[branch.slug, meeting.pk, vote.pk]), {"choice": "for"})
    assert refused.status_code == 403
    assert "You may not vote on this" in refused.content.decode()
    assert "checked in and entitled" in refused.content.decode()
    assert not VotedMark.objects.exists()


def test_the_organiser_chooses_and_edits_standing_orders(client_for, organiser, branch):
    client = client_for(organiser)
    url = reverse("standing_orders", args=[branch.slug])
    page = client.get(url)
    assert page.status_code == 200 and "Labour branch model procedural rules" in page.content.decode()
    form = {
        "preset": Preset.LABOUR,
        "threshold_motion": "simple_majority",
        "threshold_amendment": "simple_majority",
        "threshold_procedural": "simple_majority",
        "threshold_standing_orders": "simple_majority",
        "threshold_challenge": "simple_majority",
        "challenge_support": 1,
    }
    assert client.post(url, form).status_code == 302
    so = StandingOrders.objects.get(branch=branch)
    assert so.preset == Preset.LABOUR and so.casting_vote and so.threshold_standing_orders == "two_thirds"
    assert client.post(url, {**form, "challenge_support": 4, "casting_vote": "on"}).status_code == 302
    so.refresh_from_db()
    assert so.challenge_support == 4 and so.threshold_standing_orders == "simple_majority"
    bad = client.post(url, {**form, "challenge_support": 0})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()


def test_the_projector_shows_progress_then_the_result_and_polls_itself(client_for, organiser, branch):
    meeting, voters, _ = hall(branch, organiser, members=3)
    client = client_for(organiser)
    url = reverse("vote_projector", args=[branch.slug, meeting.pk])
    assert "No vote yet" in client.get(url).content.decode()
    vote = open_vote(vote=create_vote(meeting=meeting, actor=organiser, question="Q", method="secret"), actor=organiser)
    cast_ballot(vote=vote, person=voters[0], choice="for", actor=None)
    page = client.get(url).content.decode()
    assert "1 of 3 have voted" in page and 'hx-trigger="every 3s"' in page
    from groups.services.votes import close_vote

    close_vote(vote=vote, actor=organiser)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Carried" in fragment and "For 1 · Against 0" in fragment and "<html" not in fragment
