"""A door device's queue sent at once (CONTRACT §9, POST checkins/batch/):
each item is handled as POST checkins/ with its nonce would handle it alone,
in order; one refused or invalid item does not stop the others."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groups.models import Attendance, AuditAction, AuditEvent, DoorScan

from ..cross_branch import make_far_branch
from .test_door_sync_api import meeting, person_in, sent, url  # noqa: F401 (meeting: a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def far(db):
    return make_far_branch()


def batch(client, meeting, items):  # noqa: F811
    return client.post(url(meeting, "checkins/batch"), {"items": items}, format="json")


def test_a_queue_sent_at_once_answers_each_item_in_order(api, steward, branch, meeting):  # noqa: F811
    ana, bob = person_in(branch), person_in(branch)
    sam = person_in(branch, slug="registered-supporter")  # the rule refuses supporters
    items = [sent(ana, 10), sent(bob, 9), sent(sam, 8), sent(ana, 7, device="Door phone B")]
    response = batch(api(steward), meeting, items)
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 201, 202, 200]
    assert [r["nonce"] for r in results] == [i["nonce"] for i in items]
    assert results[0]["body"]["scan"]["outcome"] == "in"
    assert results[2]["body"]["code"] == "kept_for_review" and results[2]["body"]["scan"]["outcome"] == "review"
    assert results[3]["body"]["scan"]["outcome"] == "duplicate"
    # The others landed; the refused one is on the record for an organiser, not dropped.
    assert set(Attendance.objects.filter(meeting=meeting).values_list("person", flat=True)) == {ana.pk, bob.pk}
    assert DoorScan.objects.get(person=sam).outcome == "review"
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_REVIEW).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_DUPLICATE_SCAN).count() == 1


def test_each_item_answers_what_the_single_check_in_would(api, steward, branch, meeting):  # noqa: F811
    client = api(steward)
    ana, bob = person_in(branch), person_in(branch)
    one = sent(ana, 5)
    single = client.post(url(meeting, "checkins"), one, format="json")
    assert single.status_code == 201
    # Sent again in a batch (the device never saw the first answer): the first answer, once.
    again = batch(client, meeting, [one, sent(bob, 4)]).json()["results"]
    assert again[0]["status"] == 200 and again[0]["body"] == single.json()
    assert again[1]["status"] == 201
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    # A batch sent twice is each item sent twice: nothing doubled.
    twice = batch(client, meeting, [one, sent(bob, 4)])
    assert [r["status"] for r in twice.json()["results"]] == [200, 200]
    assert DoorScan.objects.count() == 3  # bob's second nonce is a duplicate scan, kept


def test_a_bad_item_is_that_items_400_and_the_rest_still_land(api, steward, branch, meeting, far):  # noqa: F811
    ana, bob = person_in(branch), person_in(branch)
    reused = sent(ana, 6)
    items = [
        {**sent(ana, 2), "checked_in_at": (timezone.now() - timedelta(days=3)).isoformat()},  # not the meeting's day
        {**sent(ana, 3), "simulate": True},  # what a single check-in with a nonce refuses too
        sent(far.person, 3),  # another branch's person: as if there were none
        reused,
        {**sent(bob, 1), "nonce": reused["nonce"]},  # the nonce of another check-in
        sent(bob, 1),
    ]
    results = batch(api(steward), meeting, items).json()["results"]
    assert [r["status"] for r in results] == [400, 400, 400, 201, 409, 201]
    assert results[0]["body"]["code"] == "outside_meeting_day" and "meeting's day" in results[0]["body"]["detail"]
    assert "simulate" in results[1]["body"] and results[1]["nonce"] == items[1]["nonce"]
    assert "There is no person" in results[2]["body"]["person"][0]
    assert "Farah" not in str(results[2])
    assert results[4]["body"]["code"] == "nonce_reused"
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    assert not Attendance.objects.filter(meeting=meeting, person=far.person).exists()


def test_a_batch_is_1_to_200_items_of_a_devices_shape_or_nothing_of_it_is_handled(api, steward, branch, meeting):  # noqa: F811
    client = api(steward)
    assert batch(client, meeting, []).status_code == 400
    assert batch(client, meeting, ["x"]).status_code == 400
    assert client.post(url(meeting, "checkins/batch"), {"items": "x"}, format="json").status_code == 400
    ana = person_in(branch)
    # An item not of a device's shape is a device's bug, not a refusal: the batch is refused, naming it.
    malformed = batch(client, meeting, [sent(ana, 1), {"person": ana.pk}, {**sent(ana, 2), "nonce": "not-a-uuid"}])
    assert malformed.status_code == 400
    errors = malformed.json()["items"]  # by the items' places
    assert set(errors) == {"1", "2"} and "nonce" in errors["1"] and "nonce" in errors["2"]
    too_many = batch(client, meeting, [sent(ana, 1) for _ in range(201)])
    assert too_many.status_code == 400 and "at most 200" in str(too_many.json())
    assert not DoorScan.objects.exists()


def test_a_cancelled_meeting_refuses_each_item_and_the_device_keeps_them(api, steward, branch, meeting):  # noqa: F811
    ana = person_in(branch)
    meeting.status = "cancelled"
    meeting.save()
    results = batch(api(steward), meeting, [sent(ana, 1)]).json()["results"]
    assert results[0]["status"] in (403, 409) and results[0]["body"]["code"]
    assert not DoorScan.objects.exists()


def test_another_branchs_meeting_is_404_and_members_are_403(api, steward, member, branch, meeting, far):  # noqa: F811
    ana = person_in(branch)
    theirs = f"/api/v1/branches/{branch.slug}/meetings/{far.meeting.pk}/checkins/batch/"
    response = api(steward).post(theirs, {"items": [sent(ana, 1)]}, format="json")
    assert response.status_code == 404
    assert batch(api(member), meeting, [sent(ana, 1)]).status_code == 403
    assert not DoorScan.objects.exists()


def test_each_item_counts_against_the_door_rate_limit(api, steward, branch, meeting, settings):  # noqa: F811
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "door": "10/min"}
    people = [person_in(branch) for _ in range(8)]
    client = api(steward)
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        first = batch(client, meeting, [sent(p, 1) for p in people[:6]])
        assert first.status_code == 200
        second = batch(client, meeting, [sent(p, 1) for p in people[6:]] + [sent(people[0], 1)] * 3)
        assert second.status_code == 429 and second.json()["code"] == "throttled"
    assert Attendance.objects.filter(meeting=meeting).count() == 6


def test_200_items_take_a_bounded_number_of_queries_each(api, steward, branch, meeting, django_assert_max_num_queries):  # noqa: F811
    people = [person_in(branch) for _ in range(20)]
    client = api(steward)
    batch(client, meeting, [sent(people[0], 1)])  # warm: the token, the rate-limit row
    with django_assert_max_num_queries(10 + 16 * 19):
        response = batch(client, meeting, [sent(p, 1) for p in people[1:]])
    assert [r["status"] for r in response.json()["results"]] == [201] * 19
    assert uuid.UUID(response.json()["results"][0]["nonce"])
