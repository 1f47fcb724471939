"""/api/v1/branches/{slug}/meetings/{id}/votes/: CONTRACT.md §6 — create,
open (not_quorate), ballots (not_entitled / already_voted / vote_closed),
tally, close; the chair is an organiser, the voter is their own person."""

import pytest
from django.db import connection

from groups.models import Person, Vote
from groups.sql import sqlite_ballots

from ..factories import RoleFactory
from ..rate_limits import RATE_LIMIT_QUERIES
from .helpers import hall

pytestmark = pytest.mark.django_db


def url(meeting, tail=""):
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/votes/{tail}"


def linked(person: Person, user):
    person.user = user
    person.save(update_fields=["user"])
    return person


@pytest.fixture
def setup(branch, organiser, member):
    meeting, voters, others = hall(branch, organiser, members=3, supporters=1)
    linked(voters[0], member)
    return meeting, voters, others


def test_the_chair_runs_a_secret_vote_and_a_member_votes(api, organiser, member, setup):
    meeting, voters, _ = setup
    chair = api(organiser)
    made = chair.post(url(meeting), {"question": "That we affiliate", "method": "secret"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "draft" and made.json()["threshold"] == "simple_majority"
    vote_id = made.json()["id"]
    opened = chair.post(url(meeting, f"{vote_id}/open/"), {}, format="json")
    assert opened.status_code == 200 and opened.json()["progress"] == "0 of 3 have voted"
    cast = api(member).post(url(meeting, f"{vote_id}/ballots/"), {"choice": "for"}, format="json")
    assert cast.status_code == 201 and cast.json()["voted"] == 1
    again = api(member).post(url(meeting, f"{vote_id}/ballots/"), {"choice": "against"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    closed = chair.post(url(meeting, f"{vote_id}/close/"), {}, format="json")
    assert closed.status_code == 200
    assert {k: closed.json()[k] for k in ("for", "against", "abstain", "entitled", "voted", "threshold", "result")} == {
        "for": 1,
        "against": 0,
        "abstain": 0,
        "entitled": 3,
        "voted": 1,
        "threshold": "simple_majority",
        "result": "carried",
    }
    late = api(member).post(url(meeting, f"{vote_id}/ballots/"), {"choice": "for"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "vote_closed"
    shown = api(member).get(url(meeting, f"{vote_id}/"))
    assert shown.status_code == 200 and shown.json()["named"] == [] and shown.json()["result"]["result"] == "carried"


def test_opening_inquorate_needs_a_reason(api, organiser, branch):
    meeting, _, _ = hall(branch, organiser, members=1, quorum=5)
    vote = api(organiser).post(url(meeting), {"question": "Q", "method": "named"}, format="json").json()
    refused = api(organiser).post(url(meeting, f"{vote['id']}/open/"), {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "not_quorate"
    assert "1 of 5 needed" in refused.json()["detail"]
    ok = api(organiser).post(url(meeting, f"{vote['id']}/open/"), {"override_reason": "Agreed by all"}, format="json")
    assert ok.status_code == 200 and ok.json()["override_reason"] == "Agreed by all"


def test_a_refused_voter_gets_the_decision_in_plain_english(api, organiser, branch, setup):
    meeting, _, others = setup
    supporter_user = RoleFactory(branch=branch, role="member", user__email="sup@example.org").user
    linked(others[0], supporter_user)
    vote = api(organiser).post(url(meeting), {"question": "Q", "method": "secret"}, format="json").json()
    api(organiser).post(url(meeting, f"{vote['id']}/open/"), {}, format="json")
    refused = api(supporter_user).post(url(meeting, f"{vote['id']}/ballots/"), {"choice": "for"}, format="json")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "not_entitled" and body["decision"]["eligible"] is False
    assert body["detail"].startswith("You may not vote on this:")
    unlinked = RoleFactory(branch=branch, role="member", user__email="nobody@example.org").user
    refused = api(unlinked).post(url(meeting, f"{vote['id']}/ballots/"), {"choice": "for"}, format="json")
    assert refused.status_code == 403 and "not linked" in refused.json()["detail"]


def test_a_show_of_hands_with_a_named_roll_is_refused_above_those_present(api, organiser, setup):
    meeting, _, _ = setup
    chair = api(organiser)
    vote = chair.post(url(meeting), {"question": "Q", "method": "show_of_hands"}, format="json").json()
    chair.post(url(meeting, f"{vote['id']}/open/"), {}, format="json")
    too_many = chair.post(url(meeting, f"{vote['id']}/tally/"), {"for": 3, "against": 1, "abstain": 0}, format="json")
    assert too_many.status_code == 400 and "more than the 3" in too_many.json()["detail"]
    counted = chair.post(url(meeting, f"{vote['id']}/tally/"), {"for": 2, "against": 1, "abstain": 0}, format="json")
    assert counted.status_code == 200 and counted.json()["progress"] == "3 of 3 have voted"
    assert chair.post(url(meeting, f"{vote['id']}/close/"), {}, format="json").json()["result"] == "carried"


def test_members_and_stewards_may_not_chair_and_other_branches_see_nothing(api, member, steward, outsider, setup):
    meeting, _, _ = setup
    body = {"question": "Q", "method": "secret"}
    assert api(member).post(url(meeting), body, format="json").status_code == 403
    assert api(steward).post(url(meeting), body, format="json").status_code == 403
    assert api(outsider).get(url(meeting)).status_code == 404
    assert not Vote.objects.exists()


def test_a_vote_of_another_meeting_is_404(api, organiser, branch, setup):
    meeting, _, _ = setup
    other, _, _ = hall(branch, organiser, members=0, supporters=0)
    vote = api(organiser).post(url(other), {"question": "Q", "method": "secret"}, format="json").json()
    assert api(organiser).post(url(meeting, f"{vote['id']}/open/"), {}, format="json").status_code == 404


def test_bad_bodies_are_400_never_500(api, organiser, setup):
    meeting, _, _ = setup
    chair = api(organiser)
    assert chair.post(url(meeting), {"question": "", "method": "raffle"}, format="json").status_code == 400
    assert chair.post(url(meeting), {"question": "Q", "method": "named", "motion": 7}, format="json").status_code == 400
    vote = chair.post(url(meeting), {"question": "Q", "method": "named", "threshold": None}, format="json").json()
    assert chair.post(url(meeting, f"{vote['id']}/tally/"), {"for": -1}, format="json").status_code == 400
    chair.post(url(meeting, f"{vote['id']}/open/"), {"override_reason": None}, format="json")
    assert chair.post(url(meeting, f"{vote['id']}/close/"), {"casting_vote": "maybe"}, format="json").status_code == 400


@pytest.mark.parametrize("votes", [1, 4])
def test_the_list_runs_a_fixed_number_of_queries(api, organiser, setup, django_assert_num_queries, votes):
    meeting, voters, _ = setup
    chair = api(organiser)
    for i in range(votes):
        vote = chair.post(url(meeting), {"question": f"Q{i}", "method": "named"}, format="json").json()
        chair.post(url(meeting, f"{vote['id']}/open/"), {}, format="json")
    # token, role and branch, meeting, votes (and the rate limit's counter)
    with django_assert_num_queries(4 + RATE_LIMIT_QUERIES):
        listed = chair.get(url(meeting))
    assert listed.status_code == 200 and len(listed.json()) == votes
    assert listed.json()[0]["progress"] == "0 of 3 have voted"


def test_a_ballot_costs_a_fixed_handful_of_queries(api, organiser, member, setup, django_assert_max_num_queries):
    """Thousands vote at once: the token, the roles, the rate limit, the mark
    (one statement that finds the voter and checks the vote), the ballot, the
    audit row and the progress — however many are entitled."""
    meeting, _, _ = setup
    vote = api(organiser).post(url(meeting), {"question": "Q", "method": "secret"}, format="json").json()
    api(organiser).post(url(meeting, f"{vote['id']}/open/"), {}, format="json")
    client = api(member)
    # PostgreSQL: the token, the roles, one statement for the rest; SQLite: the same in a view's
    # trigger (made once per connection, here beforehand), and one read of what it did.
    if connection.vendor == "sqlite":
        sqlite_ballots.install()
    with django_assert_max_num_queries(3 if connection.vendor == "postgresql" else 4):
        cast = client.post(url(meeting, f"{vote['id']}/ballots/"), {"choice": "for"}, format="json")
    assert cast.status_code == 201 and cast.json() == {
        "detail": "Your vote has been recorded.",
        "voted": 1,
        "entitled": 3,
    }


def test_the_long_way_gives_the_same_answers(api, organiser, member, branch, setup):
    """What the one statement does not take goes the long way: 404s first, then the body, then the reason."""
    meeting, voters, _ = setup
    chair = api(organiser)
    vote = chair.post(url(meeting), {"question": "Q", "method": "named"}, format="json").json()
    voter = api(member)
    early = voter.post(url(meeting, f"{vote['id']}/ballots/"), {"choice": "for"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "vote_closed"
    chair.post(url(meeting, f"{vote['id']}/open/"), {}, format="json")
    assert voter.post(url(meeting, "999999/ballots/"), {"choice": "for"}, format="json").status_code == 404
    assert voter.post(url(meeting, f"{vote['id']}/ballots/"), {"choice": "maybe"}, format="json").status_code == 400
    other = hall(branch, organiser, members=1, supporters=0)[0]
    elsewhere = voter.post(url(other, f"{vote['id']}/ballots/"), {"choice": "for"}, format="json")
    assert elsewhere.status_code == 404  # the vote is not that meeting's
    assert voter.post(url(meeting, f"{vote['id']}/ballots/"), {"choice": "for"}, format="json").status_code == 201
    shown = chair.get(url(meeting, f"{vote['id']}/")).json()
    assert shown["progress"] == "1 of 3 have voted"
