"""Refusals on the record (issue 14 item 5): every refusal at the door — web,
QR, API — is kept with who, when, which steward and the Decision, although the
refused check-in's own transaction rolled back; organisers see them beside the
attendance; the API's simulate answers without writing anything."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from groups.exports.qr import door_token
from groups.models import Attendance, AuditAction, AuditEvent, DoorRefusal, Rule

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "No active Party member membership (holds: Registered supporter)"


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=rule, voting_rule=rule, quorum=2)


@pytest.fixture
def sam(branch):
    return person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")


def url(name, meeting, *args):
    return reverse(name, args=[meeting.branch.slug, meeting.pk, *args])


def api_url(meeting, what):
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/{what}/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_refusal_at_the_door_is_kept_with_who_when_and_why(client_for, steward, meeting, sam):
    before = timezone.now()
    client_for(steward).post(url("door_check_in", meeting), {"person": sam.pk, "q": "sam"}, follow=True)
    refusal = DoorRefusal.objects.get()
    assert (refusal.meeting, refusal.person, refusal.refused_by) == (meeting, sam, steward)
    assert refusal.refused_at >= before and refusal.method == "door" and refusal.code == "not_eligible"
    assert refusal.decision["eligible"] is False and REASON in refusal.decision["reasons"]
    assert not Attendance.objects.exists()  # the check-in itself rolled back
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_REFUSED)
    assert event.person_id == sam.pk and event.actor == steward


def test_a_steward_trying_to_override_is_kept_too(client_for, steward, meeting, sam):
    client_for(steward).post(
        url("door_check_in", meeting), {"person": sam.pk, "override_reason": "Chair said so"}, **HTMX
    )
    assert DoorRefusal.objects.get().code == "override_not_allowed"


def test_a_refusal_by_qr_and_at_a_closed_meeting(client_for, steward, meeting, sam, branch):
    client_for(steward).post(url("door_check_in", meeting), {"person": sam.pk, "method": "qr"})
    assert DoorRefusal.objects.get().method == "qr"
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    meeting.closed_at = timezone.now() - timedelta(minutes=1)
    meeting.save(update_fields=["closed_at"])
    client_for(steward).post(url("door_check_in", meeting), {"person": ana.pk})
    closed = DoorRefusal.objects.get(person=ana)
    assert closed.code == "meeting_closed" and closed.decision == {}
    assert door_token(meeting.pk, sam.pk)  # (the QR link carries method=qr to the same view)


def test_a_refusal_by_the_api_is_kept_and_still_a_403(steward, meeting, sam):
    response = api(steward).post(api_url(meeting, "checkins"), {"person": sam.pk}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_eligible"
    refusal = DoorRefusal.objects.get()
    assert refusal.method == "api" and refusal.refused_by == steward


def test_a_check_in_let_through_records_no_refusal(client_for, organiser, meeting, sam, branch):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    client_for(organiser).post(url("door_check_in", meeting), {"person": ana.pk})
    client_for(organiser).post(url("door_check_in", meeting), {"person": sam.pk, "override_reason": "Speaker"})
    assert not DoorRefusal.objects.exists() and Attendance.objects.count() == 2


def test_simulate_answers_without_writing_anything(steward, organiser, meeting, sam, branch):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    audit_before = AuditEvent.objects.count()
    client = api(steward)

    def simulate(who, user=steward, **extra):
        response = api(user).post(
            api_url(meeting, "checkins"), {"person": who.pk, "simulate": True, **extra}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    body = simulate(ana)
    assert body["simulated"] is True and body["outcome"] == "check_in" and body["may_vote"] is True
    body = simulate(sam)
    assert body["outcome"] == "refused" and body["code"] == "not_eligible" and REASON in body["decision"]["reasons"]
    assert simulate(sam, override_reason="Speaker")["code"] == "override_not_allowed"
    assert simulate(sam, user=organiser, override_reason="Speaker")["outcome"] == "check_in"
    assert not Attendance.objects.exists() and not DoorRefusal.objects.exists()
    assert AuditEvent.objects.count() == audit_before
    client.post(api_url(meeting, "checkins"), {"person": ana.pk}, format="json")
    assert simulate(ana)["outcome"] == "already_in"
    guest = client.post(api_url(meeting, "checkins"), {"guest_name": "Jo", "simulate": True}, format="json")
    assert guest.status_code == 400 and "simulate" in guest.json()


def test_organisers_see_refusals_beside_the_attendance_in_one_query(
    client_for, organiser, steward, meeting, branch, django_assert_num_queries
):
    def run(n):
        for i in range(n):
            p = person_in(branch, "registered-supporter", first_name="Reg", last_name=f"Sup{n}{chr(97 + i)}")
            client_for(steward).post(url("door_check_in", meeting), {"person": p.pk})
        client = client_for(organiser)
        client.get(url("attendance_list", meeting))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url("attendance_list", meeting)).content.decode()
        return len(ctx.captured_queries), html

    few, _ = run(1)
    many, html = run(4)
    # the attendance page's seven (the eligible count from the cache the first visit filled: it was nine with
    # the COUNT and its category lookup), the refusals with their people and stewards, the reviews
    assert few == many == 9
    assert "Refused at the door (5)" in html and "steward@example.org" in html and REASON in html
    # Stewards who may not override do not see the list.
    html = client_for(steward).get(url("attendance_list", meeting)).content.decode()
    assert "Refused at the door" not in html
    client = client_for(organiser)
    client.get(url("attendance_list", meeting))  # warm the session
    # pinned: the refusals are one query, whatever their number (+1: reviews); the eligible count from the cache
    # the first visit filled (11 with its COUNT and category lookup)
    with django_assert_num_queries(9):
        client.get(url("attendance_list", meeting))
