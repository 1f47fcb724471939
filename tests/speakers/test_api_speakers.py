"""/api/v1/branches/{slug}/meetings/{id}/speakers/: list, ask, withdraw,
call, done, move — who may do which, the plain refusals, names only for
everyone but the chair, and pinned queries on the list."""

import pytest

from groups.models import AuditEvent, RoleName, SpeakerRequest

from ..factories import MeetingFactory, RoleFactory
from ..rate_limits import RATE_LIMIT_QUERIES
from .helpers import ask_in_order, balance_on, worked_hall

pytestmark = pytest.mark.django_db


def url(meeting, tail="", slug=None):
    return f"/api/v1/branches/{slug or meeting.branch.slug}/meetings/{meeting.pk}/speakers/{tail}"


def link(person, user):
    person.user = user
    person.save(update_fields=["user"])


@pytest.fixture
def setup(branch, organiser, member):
    meeting, people = worked_hall(branch, organiser)
    link(people["W1"], member)
    return meeting, people


def test_a_member_asks_and_the_chair_runs_the_list(api, organiser, member, setup):
    meeting, people = setup
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2"])
    asked = api(member).post(url(meeting), {"kind": "contribution"}, format="json")
    assert asked.status_code == 201, asked.content
    # Asked third, but the balance puts her second: once M1 has spoken, women are 0 of 1.
    assert asked.json()["name"] == "W1 Speaker" and asked.json()["position"] == 2
    # Members see names and positions, never the reasons or groups.
    seen = api(member).get(url(meeting)).json()
    assert [(r["name"], r["position"]) for r in seen["queue"]] == [
        ("M1 Speaker", 1),
        ("W1 Speaker", 2),
        ("M2 Speaker", 3),
    ]
    assert all("reason" not in r and "in_group" not in r for r in seen["queue"])
    chair = api(organiser)
    shown = chair.get(url(meeting)).json()
    assert shown["balance"] is True and shown["speech_seconds"] == 120
    assert [r["in_group"] for r in shown["queue"]] == [False, True, False]
    called = chair.post(url(meeting, "call/"), {}, format="json")
    assert called.status_code == 200 and called.json()["name"] == "M1 Speaker" and called.json()["status"] == "speaking"
    after = chair.get(url(meeting)).json()
    assert after["speaking"]["name"] == "M1 Speaker"
    # M1 has spoken, women are 0 of 1: W1 is next, with why.
    assert after["queue"][0]["name"] == "W1 Speaker" and "women and non-binary" in after["queue"][0]["reason"]
    done = chair.post(url(meeting, f"{called.json()['id']}/done/"), {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["seconds_spoken"] is not None
    second = SpeakerRequest.objects.get(person=people["M2"])
    moved = chair.post(url(meeting, f"{second.pk}/move/"), {"position": 1, "reason": "Reply to W1"}, format="json")
    assert moved.status_code == 200 and moved.json()["position"] == 1
    assert AuditEvent.objects.filter(action="speaker.move", changes__reason="Reply to W1").exists()
    mine = SpeakerRequest.objects.get(person=people["W1"])
    withdrawn = api(member).post(url(meeting, f"{mine.pk}/withdraw/"), {}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_refusals_are_plain_and_carry_a_code(api, branch, organiser, member, setup):
    meeting, people = setup
    member_api = api(member)
    assert member_api.post(url(meeting), {"kind": "for"}, format="json").status_code == 201
    again = member_api.post(url(meeting), {"kind": "against"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_waiting"
    reply = member_api.post(url(meeting), {"kind": "reply"}, format="json")
    assert reply.status_code in (403, 409)
    bad = member_api.post(url(meeting), {"kind": "shouting"}, format="json")
    assert bad.status_code == 400
    nobody = api(organiser).post(url(meeting, "call/"), {}, format="json")
    assert nobody.status_code == 200  # W1 is waiting
    empty = api(organiser).post(url(meeting, "call/"), {}, format="json")
    assert empty.status_code == 409 and empty.json()["code"] == "nobody_waiting"
    # Someone else's request is not yours to withdraw.
    (other,) = ask_in_order(meeting, people, ["M1"])
    theirs = member_api.post(url(meeting, f"{other.pk}/withdraw/"), {}, format="json")
    assert theirs.status_code == 403 and theirs.json()["code"] == "not_yours"
    no_reason = api(organiser).post(url(meeting, f"{other.pk}/move/"), {"position": 1}, format="json")
    assert no_reason.status_code == 400


def test_not_checked_in_is_refused_with_the_reason(api, branch, organiser, user_factory):
    meeting, _ = worked_hall(branch, organiser)
    from ..factories import person_with_membership

    user = RoleFactory(branch=branch, role=RoleName.MEMBER, user__email="late@example.org").user
    person_with_membership(branch, user=user)
    refused = api(user).post(url(meeting), {"kind": "contribution"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_checked_in"
    assert "Check in at the door first" in refused.json()["detail"]


def test_a_closed_meeting_refuses_writes(api, organiser, member, setup):
    meeting, people = setup
    (request,) = ask_in_order(meeting, people, ["M1"])
    type(meeting).objects.filter(pk=meeting.pk).update(closed_at=meeting.starts_at)
    for answer in (
        api(member).post(url(meeting), {"kind": "contribution"}, format="json"),
        api(organiser).post(url(meeting, "call/"), {}, format="json"),
        api(organiser).post(url(meeting, f"{request.pk}/move/"), {"position": 1, "reason": "x"}, format="json"),
    ):
        assert answer.status_code == 409 and answer.json()["code"] == "meeting_closed"
    assert api(member).get(url(meeting)).status_code == 200  # history is still readable


@pytest.mark.parametrize(
    ("who", "list_", "ask", "call"),
    [
        ("member", 200, 201, 403),
        ("steward", 200, 403, 403),  # the steward has a role but no linked person: refused as not linked
        ("organiser", 200, 403, 409),
        ("outsider", 404, 404, 404),
    ],
)
def test_who_may_do_what(api, branch, organiser, member, steward, outsider, setup, who, list_, ask, call):
    meeting, _ = setup
    user = {"member": member, "steward": steward, "organiser": organiser, "outsider": outsider}[who]
    client = api(user)
    assert client.get(url(meeting)).status_code == list_
    assert client.post(url(meeting), {"kind": "contribution"}, format="json").status_code == ask
    assert client.post(url(meeting, "call/"), {}, format="json").status_code == call
    assert api().get(url(meeting)).status_code == 401


def test_another_branchs_ids_answer_404(api, organiser, outsider, other_branch, setup):
    meeting, people = setup
    (request,) = ask_in_order(meeting, people, ["M1"])
    client = api(outsider)
    # Our meeting under their slug, and our request under their meeting.
    assert client.get(url(meeting, slug=other_branch.slug)).status_code == 404
    theirs = MeetingFactory(branch=other_branch)
    assert client.post(url(theirs, f"{request.pk}/done/"), {}, format="json").status_code == 404
    assert (
        client.post(url(theirs, f"{request.pk}/move/"), {"position": 1, "reason": "x"}, format="json").status_code
        == 404
    )
    assert SpeakerRequest.objects.get(pk=request.pk).moved_to is None


@pytest.mark.parametrize("waiting", [1, 4])
def test_the_list_pins_its_queries(api, organiser, setup, waiting, django_assert_num_queries):
    meeting, people = setup
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"][:waiting])
    client = api(organiser)
    client.get(url(meeting))
    # The token, the role, the meeting, the list (settings, requests, history, groups), and the rate count.
    with django_assert_num_queries(7 + RATE_LIMIT_QUERIES):
        assert client.get(url(meeting)).status_code == 200
