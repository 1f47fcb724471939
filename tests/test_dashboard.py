from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from groups.models import MeetingStatus

from .factories import MeetingFactory


def test_dashboard_links_upcoming_meetings_to_their_page_and_door(client_for, steward, branch):
    meeting = MeetingFactory(
        branch=branch,
        title="December branch meeting",
        status=MeetingStatus.PUBLISHED,
        starts_at=timezone.now() + timedelta(days=3),
    )
    html = client_for(steward).get(reverse("branch_dashboard", args=[branch.slug])).content.decode()
    assert reverse("meeting_detail", args=[branch.slug, meeting.pk]) in html
    assert reverse("door", args=[branch.slug, meeting.pk]) in html


def test_dashboard_says_when_nothing_is_scheduled(client_for, organiser, branch):
    html = client_for(organiser).get(reverse("branch_dashboard", args=[branch.slug])).content.decode()
    assert "No meetings scheduled yet." in html
