"""Door mode (issue 14): a tap answers in its card when the page has JavaScript
(htmx), and the plain form still works without it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Attendance, Rule

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=rule, voting_rule=rule, quorum=2)


def url(name, meeting, *args):
    return reverse(name, args=[meeting.branch.slug, meeting.pk, *args])


def test_a_tap_answers_in_the_card_with_the_last_check_ins_and_a_quorum_nudge(client_for, steward, meeting, branch):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    response = client_for(steward).post(url("door_check_in", meeting), {"person": ana.pk, "q": "ana"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "door-outcome-in" in html and "✓</span> In" in html and "Ana Silva" in html
    assert 'id="door-recent-body" hx-swap-oob="true"' in html  # the last check-ins come along
    # The quorum bar refreshes now, not in 5 seconds: its figures alone, as this answer has the list.
    assert response["HX-Trigger"] == "door-tapped"
    assert Attendance.objects.filter(meeting=meeting, person=ana).count() == 1
    # The same tap again: still "In", since when.
    html = client_for(steward).post(url("door_check_in", meeting), {"person": ana.pk}, **HTMX).content.decode()
    assert "✓</span> In" in html and "Already in since" in html
    # Nothing waits in the session for the next full page (the answer was on screen).
    page = client_for(steward).get(url("door", meeting)).content.decode()
    assert "Ana Silva is in." not in page


def test_a_refused_tap_fills_the_card_red_with_the_reason(client_for, steward, meeting, branch):
    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    response = client_for(steward).post(url("door_check_in", meeting), {"person": sam.pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "door-outcome-no" in html
    assert "✕</span> Not eligible" in html
    assert "No active Party member membership (holds: Registered supporter)" in html
    assert "HX-Trigger" not in response and "door-recent-body" not in html
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_tap_at_a_closed_meeting_says_why_not(client_for, steward, meeting, branch):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    meeting.closed_at = timezone.now() - timedelta(minutes=1)
    meeting.save(update_fields=["closed_at"])
    html = client_for(steward).post(url("door_check_in", meeting), {"person": ana.pk}, **HTMX).content.decode()
    assert "✕</span> Not checked in" in html and "This meeting is closed" in html


def test_without_javascript_the_tap_still_redirects_with_a_message(client_for, steward, meeting, branch):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    response = client_for(steward).post(url("door_check_in", meeting), {"person": ana.pk}, follow=True)
    assert "Ana Silva is in." in response.content.decode()


def test_the_door_page_has_a_menu_out_and_enhanced_forms(client_for, steward, meeting, branch):
    person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    html = client_for(steward).post(url("door", meeting), {"q": "ana"}).content.decode()
    assert 'class="door-menu"' in html and reverse("meeting_detail", args=[branch.slug, meeting.pk]) in html
    assert 'hx-post="' + url("door_check_in", meeting) + '"' in html and "data-door-tap" in html
    assert 'action="' + url("door_check_in", meeting) + '"' in html  # the no-JS form is the same form
    assert "door-changed from:body" in html


def test_the_poll_a_tap_sets_off_reads_the_figures_and_not_the_list_again(
    client_for, steward, meeting, branch, django_assert_num_queries
):
    """Issue 14 item 7: a tap's answer carries the last check-ins, so the quorum refresh its
    "door-tapped" asks for leaves them out (one read of the list a tap, not two); the 5-second
    poll, and "door-changed" after the offline queue is sent, still bring them."""
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    client = client_for(steward)
    page = client.get(url("door", meeting)).content.decode()
    quorum = url("door_quorum", meeting)
    assert f'hx-get="{quorum}?recent=1" hx-trigger="every 5s, door-changed from:body"' in page
    assert f'hx-get="{quorum}" hx-trigger="door-tapped from:body" hx-target="#quorum-live-{meeting.pk}"' in page
    assert f'id="quorum-live-{meeting.pk}"' in page
    client.post(url("door_check_in", meeting), {"person": ana.pk}, **HTMX)
    # session, user, branches with roles, the meeting, the check-ins with the people version; the eligible
    # count from the cache the door page filled (a check-in changes no one's eligibility: it was 7 with the
    # COUNT and its category lookup, tests/door/test_quorum_cache.py); with ?recent=1 the list as well.
    with django_assert_num_queries(5) as plain:
        html = client.get(quorum, **HTMX).content.decode()
    assert "1 of 2 needed" in html and "door-recent-body" not in html and "Ana Silva" not in html
    with django_assert_num_queries(6) as polled:
        html = client.get(quorum + "?recent=1", **HTMX).content.decode()
    assert "1 of 2 needed" in html and 'id="door-recent-body"' in html and "Ana Silva" in html
    assert len(polled.captured_queries) == len(plain.captured_queries) + 1
