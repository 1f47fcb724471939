"""Stewards asking an organiser for an override (issue 14 item 4): the steward
types why, organisers see the request with the Decision and approve (checked in,
"approved by …") or decline with one tap; the steward's card shows the answer;
all audited; another branch's request is a 404."""

from datetime import date

import pytest
from django.urls import reverse

from groups.models import Attendance, AuditAction, AuditEvent, Category, OverrideRequest, Rule

from ..factories import MeetingFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "No active Party member membership (holds: Registered supporter)"


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=rule, voting_rule=rule, quorum=2)


@pytest.fixture
def sam(branch):
    person = PersonFactory(branch=branch, first_name="Sam", last_name="Reg")
    MembershipFactory(
        person=person,
        category=Category.objects.get(branch=branch, slug="registered-supporter"),
        started_on=date(2015, 1, 1),
    )
    return person


def url(name, meeting, *args):
    return reverse(name, args=[meeting.branch.slug, meeting.pk, *args])


def test_a_refused_card_offers_ask_an_organiser_to_stewards_only(client_for, steward, organiser, meeting, sam):
    html = client_for(steward).post(url("door_search", meeting), {"q": "sam"}).content.decode()
    assert "Ask an organiser…" in html and url("door_ask", meeting) in html
    html = client_for(organiser).post(url("door_search", meeting), {"q": "sam"}).content.decode()
    assert "Ask an organiser…" not in html and "Let them in anyway" in html
    tapped = client_for(steward).post(url("door_check_in", meeting), {"person": sam.pk}, **HTMX).content.decode()
    assert "Ask an organiser…" in tapped


def test_ask_then_approve_checks_them_in_and_the_card_says_so(client_for, steward, organiser, meeting, sam):
    card = (
        client_for(steward)
        .post(url("door_ask", meeting), {"person": sam.pk, "reason": "Says they renewed last week"}, **HTMX)
        .content.decode()
    )
    asked = OverrideRequest.objects.get()
    assert "Waiting for an organiser" in card and 'hx-trigger="every 3s"' in card
    assert asked.requested_by == steward and REASON in asked.decision["reasons"]
    # Asking twice is one request.
    client_for(steward).post(url("door_ask", meeting), {"person": sam.pk, "reason": "again"}, **HTMX)
    assert OverrideRequest.objects.count() == 1

    page = client_for(organiser).get(url("door_requests", meeting)).content.decode()
    assert "Says they renewed last week" in page and REASON in page and "steward@example.org" in page
    client_for(organiser).post(url("door_request_approve", meeting, asked.pk), follow=True)
    attendance = Attendance.objects.get(meeting=meeting, person=sam)
    assert attendance.override_reason == "approved by organiser@example.org: Says they renewed last week"
    assert attendance.checked_in_by == organiser

    card = client_for(steward).get(url("door_ask_status", meeting, asked.pk), **HTMX).content.decode()
    assert "✓</span> In" in card and "Approved by organiser@example.org" in card and "every 3s" not in card
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.OVERRIDE_ASK, AuditAction.OVERRIDE_APPROVE, AuditAction.ATTENDANCE_CHECK_IN} <= actions
    # Answered once only.
    response = client_for(organiser).post(url("door_request_decline", meeting, asked.pk), follow=True)
    assert "already answered" in response.content.decode()


def test_decline_lets_nobody_in_and_the_steward_sees_it_without_javascript(
    client_for, steward, organiser, meeting, sam
):
    response = client_for(steward).post(
        url("door_ask", meeting), {"person": sam.pk, "reason": "Guest of chair"}, follow=True
    )
    assert "Waiting for an organiser" in response.content.decode()  # a plain page, no JS needed
    asked = OverrideRequest.objects.get()
    client_for(organiser).post(url("door_request_decline", meeting, asked.pk))
    assert not Attendance.objects.exists()
    page = client_for(steward).get(url("door_ask_status", meeting, asked.pk)).content.decode()
    assert "Declined by organiser@example.org" in page
    assert AuditEvent.objects.filter(action=AuditAction.OVERRIDE_DECLINE, person_id=sam.pk).exists()


def test_stewards_cannot_answer_and_a_reason_is_needed(client_for, steward, meeting, sam):
    client = client_for(steward)
    response = client.post(url("door_ask", meeting), {"person": sam.pk, "reason": "  "}, **HTMX)
    assert "Say why they should be let in" in response.content.decode() and not OverrideRequest.objects.exists()
    client.post(url("door_ask", meeting), {"person": sam.pk, "reason": "Please"})
    asked = OverrideRequest.objects.get()
    assert client.get(url("door_requests", meeting)).status_code in (403, 404)
    assert client.post(url("door_request_approve", meeting, asked.pk)).status_code in (403, 404)
    assert not Attendance.objects.exists()


def test_the_requests_page_runs_a_fixed_number_of_queries(
    client_for, steward, organiser, meeting, branch, django_assert_num_queries
):
    def ask(n):
        for i in range(n):
            p = PersonFactory(branch=branch, first_name="Reg", last_name=f"Sup{n}{chr(97 + i)}")
            client_for(steward).post(url("door_ask", meeting), {"person": p.pk, "reason": "Please"})
        client = client_for(organiser)
        client.get(url("door_requests", meeting))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(url("door_requests", meeting), **HTMX)
        return len(ctx.captured_queries)

    assert ask(1) == ask(5) == 5


def test_organisers_see_and_answer_requests_on_the_meeting_page_while_it_is_under_way(
    client_for, steward, organiser, meeting, sam
):
    client_for(steward).post(url("door_ask", meeting), {"person": sam.pk, "reason": "Renewed on Monday"}, **HTMX)
    html = client_for(organiser).get(url("meeting_detail", meeting)).content.decode()
    assert "Stewards’ requests to let someone in" in html
    assert "Sam Reg" in html and "“Renewed on Monday”" in html and REASON in html
    assert url("door_request_approve", meeting, OverrideRequest.objects.get().pk) in html
    assert f'hx-get="{url("door_requests", meeting)}" hx-trigger="every 4s"' in html
    # Stewards may not answer, so their meeting page has no such panel.
    assert (
        "Stewards’ requests to let someone in"
        not in client_for(steward).get(url("meeting_detail", meeting)).content.decode()
    )


def test_no_requests_panel_for_a_meeting_days_away_or_where_stewards_may_override(client_for, organiser, meeting):
    from datetime import timedelta

    from django.utils import timezone

    meeting.starts_at = timezone.now() + timedelta(days=3)
    meeting.save()
    assert "Stewards’ requests" not in client_for(organiser).get(url("meeting_detail", meeting)).content.decode()
    meeting.starts_at = timezone.now()
    meeting.save()
    assert "Stewards’ requests" in client_for(organiser).get(url("meeting_detail", meeting)).content.decode()
    meeting.branch.stewards_may_override = True
    meeting.branch.save()
    assert "Stewards’ requests" not in client_for(organiser).get(url("meeting_detail", meeting)).content.decode()


def test_an_organiser_answers_in_place_at_the_door_or_goes_back_where_they_were(
    client_for, steward, organiser, meeting, sam
):
    client_for(steward).post(url("door_ask", meeting), {"person": sam.pk, "reason": "Renewed"}, **HTMX)
    asked = OverrideRequest.objects.get()
    # With htmx (the door page or the meeting's page): the list answers in place.
    response = client_for(organiser).post(url("door_request_approve", meeting, asked.pk), {"back": "door"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and f"{sam}: approved and checked in." in html
    assert "No requests waiting" in html and "<html" not in html
    assert Attendance.objects.filter(meeting=meeting, person=sam).exists()
    # Without JavaScript: back to the page the form was on, from a fixed set of names only.
    client_for(steward).post(url("door_ask", meeting), {"person": sam.pk, "reason": "Again"}, **HTMX)
    for back, expected in (
        ("door", url("door", meeting)),
        ("meeting", f"/b/{meeting.branch.slug}/meetings/{meeting.pk}/"),
        ("https://evil.example/", url("door_requests", meeting)),
    ):
        response = client_for(organiser).post(url("door_request_decline", meeting, asked.pk), {"back": back})
        assert response.status_code == 302 and response["Location"] == expected
