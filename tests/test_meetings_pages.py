import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditEvent, Invitation, Meeting
from groups.services.kind_defaults import kind_defaults

from .factories import MeetingFactory, PersonFactory
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db


def _list(client, branch, **params):
    return client.get(reverse("meeting_list", args=[branch.slug]), params)


@pytest.mark.parametrize("n", [3, 30])
def test_upcoming_list_runs_a_fixed_number_of_queries(branch, organiser, client_for, django_assert_num_queries, n):
    for i in range(n):
        make_meeting(branch, organiser, title=f"Meeting {i}", starts_at=at(2030, 1, 1 + i % 28))
    client = client_for(organiser)
    _list(client, branch)  # warm the session
    with django_assert_num_queries(5):
        response = _list(client, branch)
    assert response.content.decode().count('class="card meeting-card"') == min(n, 25)


@pytest.mark.parametrize("n", [3, 30])
def test_past_list_runs_a_fixed_number_of_queries(branch, organiser, client_for, django_assert_num_queries, n):
    for i in range(n):
        make_meeting(branch, organiser, title=f"Old {i}", starts_at=at(2020, 1, 1 + i % 28), status="held")
    client = client_for(organiser)
    _list(client, branch, show="past")
    with django_assert_num_queries(5):
        response = _list(client, branch, show="past")
    assert response.content.decode().count('class="card meeting-card"') == min(n, 25)


def test_upcoming_and_past_are_split_and_ordered(branch, organiser, client_for):
    make_meeting(branch, organiser, title="Later", starts_at=at(2031, 2, 1))
    make_meeting(branch, organiser, title="Sooner", starts_at=at(2031, 1, 1))
    make_meeting(branch, organiser, title="Last year", starts_at=at(2020, 1, 1))
    client = client_for(organiser)
    upcoming = _list(client, branch).content.decode()
    assert upcoming.index("Sooner") < upcoming.index("Later")
    assert "Last year" not in upcoming
    past = _list(client, branch, show="past").content.decode()
    assert "Last year" in past and "Sooner" not in past


def test_empty_list_offers_to_call_a_meeting(branch, organiser, steward, client_for):
    body = _list(client_for(organiser), branch).content.decode()
    assert "No upcoming meetings" in body
    assert reverse("meeting_create", args=[branch.slug]) in body
    body = _list(client_for(steward), branch).content.decode()
    assert reverse("meeting_create", args=[branch.slug]) not in body


def test_calendar_month_boundaries_use_local_time(branch, organiser, client_for):
    # 00:30 on 1 June local (BST) is 23:30 on 31 May in UTC: it belongs to June.
    make_meeting(branch, organiser, title="Just after midnight", starts_at=at(2030, 6, 1, 0, 30))
    # 23:30 on 31 May local is in May.
    make_meeting(branch, organiser, title="Late in May", starts_at=at(2030, 5, 31, 23, 30))
    client = client_for(organiser)
    url = reverse("meeting_calendar", args=[branch.slug])
    june = client.get(url, {"month": "2030-06"}).content.decode()
    may = client.get(url, {"month": "2030-05"}).content.decode()
    assert "Just after midnight" in june and "Late in May" not in june
    assert "Late in May" in may and "Just after midnight" not in may
    assert "00:30 Just after midnight" in june
    assert "June 2030" in june
    assert "?month=2030-05" in june and "?month=2030-07" in june
    # December → January across the year.
    dec = client.get(url, {"month": "2030-12"}).content.decode()
    assert "?month=2031-01" in dec and "?month=2030-11" in dec


def test_calendar_with_nonsense_month_shows_this_month(branch, organiser, client_for):
    response = client_for(organiser).get(reverse("meeting_calendar", args=[branch.slug]), {"month": "banana"})
    assert response.status_code == 200


def test_detail_shows_local_time_rules_quorum_and_real_counts(branch, organiser, client_for):
    meeting = make_meeting(
        branch, organiser, starts_at=at(2016, 4, 14), quorum=20, quorum_percent=15, capacity=3, location="Library"
    )
    for reply in ("yes", "yes", "no", "maybe", ""):
        Invitation.objects.create(meeting=meeting, person=PersonFactory(branch=branch), reply=reply)
    body = client_for(organiser).get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    assert "Thu 14 Apr 2016, 19:30" in body
    assert "Party members only" in body and "Party members with an active membership" in body
    assert "The greater of 20 people and 15% of those eligible to vote." in body
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert "Invited 5" in text and "Yes 2" in text and "No 1" in text and "Maybe 1" in text
    assert "No reply yet 1" in text
    assert "(1 place left)" in text


def test_detail_without_invitations_shows_zero(branch, organiser, client_for):
    meeting = make_meeting(branch, organiser)
    body = client_for(organiser).get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert "Invited 0" in text and "No one has been invited yet" in text


def test_markdown_is_rendered_and_sanitised(branch, organiser, client_for):
    meeting = make_meeting(
        branch,
        organiser,
        agenda='1. **Minutes**\n2. <script>alert("x")</script>\n3. <img src=x onerror="alert(1)">\n'
        '4. [bad](javascript:alert(1)) <a href="https://example.org" onclick="steal()">ok</a>',
        description="<style>body{display:none}</style> Hello <iframe src=https://evil.example></iframe>",
    )
    body = client_for(organiser).get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    assert "<strong>Minutes</strong>" in body
    assert "<script>alert" not in body and 'alert("x")' not in body
    assert "onerror" not in body and "onclick" not in body
    assert "javascript:" not in body
    assert "<style>" not in body and "<iframe" not in body
    assert 'href="https://example.org"' in body


def test_create_in_branch_local_time_with_the_kinds_default_rule(branch, organiser, client_for):
    client = client_for(organiser)
    response = client.post(
        reverse("meeting_create", args=[branch.slug]),
        {"title": "AGM", "kind": "agm", "starts_at": "2030-10-27T19:30", "ends_at": "2030-10-27T21:00"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting_detail", args=[branch.slug, meeting.pk])
    assert meeting.attendance_rule.name == "Party members only"
    assert meeting.starts_at.isoformat() == "2030-10-27T19:30:00+00:00"  # GMT again after the change
    body = client.get(response["Location"]).content.decode()
    assert "Sun 27 Oct 2030, 19:30" in body


def test_create_in_march_after_the_clocks_go_forward(branch, organiser, client_for):
    client_for(organiser).post(
        reverse("meeting_create", args=[branch.slug]),
        {"title": "Spring", "kind": "open", "starts_at": "2030-03-31T19:30"},
    )
    meeting = Meeting.objects.get()
    assert meeting.starts_at.isoformat() == "2030-03-31T18:30:00+00:00"  # BST


def test_create_form_shows_errors_and_keeps_input(branch, organiser, client_for):
    response = client_for(organiser).post(
        reverse("meeting_create", args=[branch.slug]),
        {"title": "Broken", "kind": "open", "starts_at": "2030-05-01T19:00", "ends_at": "2030-05-01T18:00",
         "quorum_percent": "150"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "The meeting cannot end before it starts." in body
    assert 'value="Broken"' in body
    assert not Meeting.objects.exists()


def test_nonexistent_local_time_is_a_form_error_not_a_500(branch, organiser, client_for):
    response = client_for(organiser).post(
        reverse("meeting_create", args=[branch.slug]), {"title": "Gap", "kind": "open", "starts_at": "2030-03-31T01:30"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Meeting.objects.exists()


def test_form_offers_only_the_branchs_rules(branch, organiser, other_branch, client_for):
    from groups.models import Rule

    foreign = Rule.objects.create(branch=other_branch, name="Foreign rule", definition={"everyone": True})
    client = client_for(organiser)
    body = client.get(reverse("meeting_create", args=[branch.slug])).content.decode()
    assert "Foreign rule" not in body
    response = client.post(
        reverse("meeting_create", args=[branch.slug]),
        {"title": "X", "kind": "open", "starts_at": "2030-05-01T19:00", "attendance_rule": foreign.pk},
    )
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_edit_duplicate_publish_and_cancel_pages(branch, organiser, client_for):
    meeting = make_meeting(branch, organiser, starts_at=at(2030, 5, 14))
    client = client_for(organiser)
    edit = reverse("meeting_edit", args=[branch.slug, meeting.pk])
    assert 'value="2030-05-14T19:30"' in client.get(edit).content.decode()
    client.post(edit, {"title": "Renamed", "kind": "organisational", "starts_at": "2030-05-14T19:30",
                       "attendance_rule": meeting.attendance_rule_id})  # fmt: skip
    meeting.refresh_from_db()
    assert meeting.title == "Renamed"

    response = client.post(
        reverse("meeting_duplicate", args=[branch.slug, meeting.pk]), {"starts_at": "2030-06-11T19:30"}
    )
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response["Location"] == reverse("meeting_detail", args=[branch.slug, copy.pk])
    assert copy.title == "Renamed" and copy.starts_at == at(2030, 6, 11)

    client.post(reverse("meeting_publish", args=[branch.slug, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == "published"

    cancel = reverse("meeting_cancel", args=[branch.slug, meeting.pk])
    assert "No one has been invited yet" in client.get(cancel).content.decode()
    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    client.post(cancel, {"reason": "Snow"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Snow")
    body = client.get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    assert "Cancelled" in body and "Snow" in body


def test_kind_defaults_page_changes_the_usual_rule(branch, organiser, client_for):
    client = client_for(organiser)
    url = reverse("meeting_kind_defaults", args=[branch.slug])
    current = {k: (r.pk if r else "") for k, r in kind_defaults(branch).items()}
    current["social"] = ""
    client.post(url, current)
    make = reverse("meeting_create", args=[branch.slug])
    client.post(make, {"title": "Picnic", "kind": "social", "starts_at": "2030-07-01T12:00"})
    assert Meeting.objects.get().attendance_rule is None
    assert AuditEvent.objects.filter(action="meeting.kind_defaults").exists()


def test_steward_sees_meetings_without_management_buttons(branch, organiser, steward, client_for):
    meeting = make_meeting(branch, organiser)
    body = client_for(steward).get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    assert reverse("meeting_edit", args=[branch.slug, meeting.pk]) not in body


def test_meeting_of_another_branch_is_404(branch, organiser, outsider, other_branch, client_for):
    meeting = make_meeting(branch, organiser)
    response = client_for(outsider).get(reverse("meeting_detail", args=[other_branch.slug, meeting.pk]))
    assert response.status_code == 404


def test_nav_has_meetings(branch, organiser, client_for):
    body = client_for(organiser).get(reverse("branch_dashboard", args=[branch.slug])).content.decode()
    assert f'href="{reverse("meeting_list", args=[branch.slug])}"' in body


def test_a_meeting_under_way_is_listed_with_those_to_come_not_the_past(branch, organiser, client_for):
    now = timezone.now()
    MeetingFactory(branch=branch, title="Tonight", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    MeetingFactory(branch=branch, title="Earlier", starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
    MeetingFactory(branch=branch, title="No end", starts_at=now - timedelta(hours=2), ends_at=None)
    client = client_for(organiser)
    upcoming = _list(client, branch).content.decode()
    past = _list(client, branch, show="past").content.decode()
    assert "Tonight" in upcoming and "No end" in upcoming and "Earlier" not in upcoming
    assert "Earlier" in past and "Tonight" not in past and "No end" not in past
    dashboard = client.get(f"/b/{branch.slug}/").content.decode()
    assert "Happening now" in dashboard and "Tonight" in dashboard and "Earlier" not in dashboard
