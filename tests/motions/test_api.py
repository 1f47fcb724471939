"""The agenda, motions and points of order through the API (CONTRACT §6 as
extended in docs/BUSINESS.md)."""

from datetime import timedelta

import pytest
from django.db import reset_queries

from groups.models import MotionState, PointOfOrder
from groups.services.agenda import add_agenda_item
from groups.services.motions import submit_amendment
from groups.services.records import close_meeting
from groups.services.standing_orders import set_standing_orders
from tests.factories import person_with_membership

from .helpers import hall, seconded

pytestmark = pytest.mark.django_db


def _base(meeting):
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}"


def test_the_agenda_through_the_api(api, branch, organiser, member):
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0)
    url = _base(meeting) + "/agenda/"
    chair = api(organiser)
    for title in ("Apologies", "Motions", "AOB"):
        made = chair.post(url, {"title": title, "kind": "business", "minutes_allowed": 5}, format="json")
        assert made.status_code == 201, made.content
    items = chair.get(url).json()
    assert [(i["order"], i["title"]) for i in items] == [(1, "Apologies"), (2, "Motions"), (3, "AOB")]
    third = items[2]["id"]
    moved = chair.post(f"{url}{third}/move/", {"direction": "up"}, format="json").json()
    assert [i["title"] for i in moved] == ["Apologies", "AOB", "Motions"]
    patched = chair.patch(f"{url}{third}/", {"kind": "other", "title": "Any other business"}, format="json")
    assert patched.json()["kind"] == "other" and patched.json()["title"] == "Any other business"
    now = chair.post(url + "current/", {"item": items[0]["id"]}, format="json").json()
    assert [i["current"] for i in now] == [True, False, False]
    assert chair.delete(f"{url}{items[0]['id']}/").status_code == 409  # the meeting is on it
    assert chair.post(url + "current/", {"item": None}, format="json").status_code == 200
    assert chair.delete(f"{url}{items[0]['id']}/").status_code == 204
    # a member reads it, and may not change it
    assert api(member).get(url).status_code == 200
    assert api(member).post(url, {"title": "Mine"}, format="json").status_code == 403
    assert chair.post(url, {"title": ""}, format="json").status_code == 400


def test_motions_through_the_api_from_submission_to_a_substantive_motion(api, branch, organiser):
    meeting, voters, others = hall(branch, organiser, members=4, supporters=1)
    chair = api(organiser)
    url = _base(meeting) + "/motions/"
    made = chair.post(url, {"text": "That this branch meets monthly in the library."}, format="json")
    assert made.status_code == 201 and made.json()["state"] == "submitted"
    motion = made.json()["id"]
    refused = chair.post(f"{url}{motion}/move/", {"person": others[0].pk}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_entitled"
    assert refused.json()["decision"]["eligible"] is False and refused.json()["decision"]["reasons"]
    chair.post(f"{url}{motion}/move/", {"person": voters[0].pk}, format="json")
    seconded_ = chair.post(f"{url}{motion}/second/", {"person": voters[1].pk}, format="json").json()
    assert (seconded_["state"], seconded_["mover"], seconded_["seconder"]) == ("seconded", voters[0].pk, voters[1].pk)
    amendment = chair.post(
        url, {"amends": motion, "action": "replace", "words": "monthly", "with_words": "weekly"}, format="json"
    ).json()
    assert amendment["kind"] == "amendment" and {"op": "del", "words": "monthly"} in amendment["diff"]
    assert {"op": "ins", "words": "weekly"} in amendment["diff"]
    deeper = chair.post(url, {"amends": amendment["id"], "action": "delete", "words": "weekly"}, format="json")
    assert deeper.status_code == 403 and deeper.json()["code"] == "no_amendment_to_amendment"
    a = amendment["id"]
    chair.post(f"{url}{a}/move/", {"person": voters[2].pk}, format="json")
    chair.post(f"{url}{a}/second/", {"person": voters[3].pk}, format="json")
    votes = _base(meeting) + "/votes/"
    vote = chair.post(votes, {"method": "show_of_hands", "motion": a}, format="json").json()
    chair.post(f"{votes}{vote['id']}/open/", {}, format="json")
    chair.post(f"{votes}{vote['id']}/tally/", {"for": 3, "against": 1, "abstain": 0}, format="json")
    assert chair.post(f"{votes}{vote['id']}/close/", {}, format="json").json()["result"] == "carried"
    now = chair.get(f"{url}{motion}/").json()
    assert now["text"] == "That this branch meets weekly in the library." and now["state"] == "seconded"
    assert now["original_text"] == "That this branch meets monthly in the library."
    assert [h["amendment"] for h in now["history"]] == [a]


@pytest.mark.parametrize(
    "action, body, state",
    [
        ("fall", None, MotionState.FALLEN),
        ("withdraw", None, MotionState.WITHDRAWN),
        ("remit", None, MotionState.REMITTED),
        ("refer-back", None, MotionState.REFERRED_BACK),
        ("rule-out", {"reason": "Not on notice."}, MotionState.RULED_OUT),
    ],
)
def test_each_motion_action(api, branch, organiser, action, body, state):
    meeting, voters, _ = hall(branch, organiser, members=2, supporters=0)
    url = _base(meeting) + "/motions/"
    chair = api(organiser)
    motion = chair.post(url, {"text": "That we act."}, format="json").json()["id"]
    chair.post(f"{url}{motion}/move/", {"person": voters[0].pk}, format="json")
    done = chair.post(f"{url}{motion}/{action}/", body or {}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == state


def test_not_reached_and_procedural_motions(api, branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2, supporters=0)
    url = _base(meeting) + "/motions/"
    chair = api(organiser)
    waiting = chair.post(url, {"text": "That we act."}, format="json").json()["id"]
    assert chair.post(f"{url}{waiting}/not-reached/", format="json").json()["state"] == "not_reached"
    motion = seconded(meeting, organiser, voters)
    closure = chair.post(url, {"procedure": "closure", "concerns": motion.pk}, format="json")
    assert closure.status_code == 201 and closure.json()["kind"] == "procedural"
    assert closure.json()["concerns"] == motion.pk
    assert chair.post(url, {"procedure": "closure"}, format="json").status_code == 400


def test_points_of_order_and_a_challenge_through_the_api(api, branch, organiser):
    set_standing_orders(branch=branch, actor=organiser, preset="labour")
    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    url = _base(meeting) + "/points-of-order/"
    chair = api(organiser)
    point = chair.post(
        url, {"raised_by": voters[0].pk, "standing_order": "7", "point": "Out of order?"}, format="json"
    ).json()
    assert point["state"] == "raised"
    ruled = chair.post(f"{url}{point['id']}/rule/", {"ruling": "In order.", "reason": "It is."}, format="json")
    assert ruled.json()["state"] == "ruled"
    few = chair.post(f"{url}{point['id']}/challenge/", {"supporters": [voters[0].pk]}, format="json")
    assert few.status_code == 400 and "need 2" in few.content.decode()
    made = chair.post(
        f"{url}{point['id']}/challenge/", {"supporters": [voters[0].pk, voters[1].pk]}, format="json"
    ).json()
    assert made["state"] == "challenged" and sorted(made["challenge_supporters"]) == [voters[0].pk, voters[1].pk]
    motion = chair.get(_base(meeting) + f"/motions/{made['challenge']}/").json()
    assert (motion["procedure"], motion["state"]) == ("challenge", "seconded")


def test_a_point_of_order_from_someone_not_in_the_room_is_refused(api, branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=1, supporters=0)
    absent = person_with_membership(branch, first_name="Absent", last_name="Member")
    answer = api(organiser).post(
        _base(meeting) + "/points-of-order/", {"raised_by": absent.pk, "point": "Is this in order?"}, format="json"
    )
    assert answer.status_code == 403
    assert answer.json() == {
        "detail": "Absent Member is not checked in at this meeting, so cannot raise a point of order.",
        "code": "not_here",
    }
    assert not PointOfOrder.objects.filter(meeting=meeting).exists()


def test_a_closed_meeting_refuses_writes_through_the_api(api, branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2, supporters=0)
    item = add_agenda_item(meeting=meeting, actor=organiser, title="Apologies")
    close_meeting(meeting=meeting, actor=organiser, at=meeting.starts_at + timedelta(hours=2))
    chair = api(organiser)
    for path, body in (
        ("/agenda/", {"title": "Late"}),
        (f"/agenda/{item.pk}/move/", {"direction": "down"}),
        ("/agenda/current/", {"item": item.pk}),
        ("/motions/", {"text": "Late."}),
        ("/points-of-order/", {"raised_by": voters[0].pk, "point": "Late"}),
    ):
        answer = chair.post(_base(meeting) + path, body, format="json")
        assert answer.status_code == 409 and answer.json()["code"] == "meeting_closed", path
    assert chair.get(_base(meeting) + "/agenda/").status_code == 200


@pytest.mark.parametrize("path", ["/agenda/", "/motions/", "/points-of-order/"])
def test_list_query_counts_are_pinned(path, api, branch, organiser, django_assert_max_num_queries):
    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    chair = api(organiser)

    def grow():
        add_agenda_item(meeting=meeting, actor=organiser, title="An item")
        m = seconded(meeting, organiser, voters, text="That we meet monthly.")
        submit_amendment(motion=m, actor=organiser, action="replace", words="monthly", with_words="weekly")
        chair.post(_base(meeting) + "/points-of-order/", {"raised_by": voters[0].pk, "point": "Quorum?"}, format="json")

    grow()
    chair.get(_base(meeting) + path)
    reset_queries()  # each request empties the query log: start from empty so the counts are whole
    with django_assert_max_num_queries(12) as one:
        chair.get(_base(meeting) + path)
    once = len(one)  # now: the query log moves on with each request
    for _ in range(4):
        grow()
    reset_queries()
    with django_assert_max_num_queries(once) as five:
        assert len(chair.get(_base(meeting) + path).json()) >= 5
    assert len(five) == once
