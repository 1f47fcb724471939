import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from groups.models import RoleName
from groups.services import calendar_feeds, cancellations
from groups.services import meetings as services

from .factories import RoleFactory
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db


def _events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_meeting_ics_in_utc_across_the_clock_change(branch, organiser, client_for):
    october = make_meeting(branch, organiser, title="Autumn", starts_at=at(2030, 10, 27), location="Hall")
    march = make_meeting(branch, organiser, title="Spring", starts_at=at(2030, 3, 31))
    client = client_for(organiser)
    [ev] = _events(client.get(reverse("meeting_ics", args=[branch.slug, october.pk])))
    assert ev.decoded("dtstart") == datetime(2030, 10, 27, 19, 30, tzinfo=UTC)
    assert str(ev["summary"]) == "Autumn" and str(ev["location"]) == "Hall"
    assert "dtstamp" in ev and str(ev["status"]) == "CONFIRMED"
    assert str(ev["url"]).endswith(reverse("meeting_detail", args=[branch.slug, october.pk]))
    [ev] = _events(client.get(reverse("meeting_ics", args=[branch.slug, march.pk])))
    assert ev.decoded("dtstart") == datetime(2030, 3, 31, 18, 30, tzinfo=UTC)


def test_uid_is_stable_and_cancelled_status_shows(branch, organiser, client_for):
    meeting = make_meeting(branch, organiser, status="published")
    client = client_for(organiser)
    url = reverse("meeting_ics", args=[branch.slug, meeting.pk])
    [first] = _events(client.get(url))
    services.update_meeting(meeting=meeting, actor=organiser, title="Renamed")
    cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="Snow")
    [second] = _events(client.get(url))
    assert str(first["uid"]) == str(second["uid"])
    assert str(second["status"]) == "CANCELLED"


def test_member_gets_published_meeting_ics_but_not_a_draft(branch, organiser, member, client_for):
    published = make_meeting(branch, organiser, status="published")
    draft = make_meeting(branch, organiser)
    client = client_for(member)
    assert client.get(reverse("meeting_ics", args=[branch.slug, published.pk])).status_code == 200
    assert client.get(reverse("meeting_ics", args=[branch.slug, draft.pk])).status_code == 404


def test_public_feed_lists_only_published_open_meetings(client, branch, organiser):
    make_meeting(branch, organiser, kind="open", status="published", title="Open one")
    make_meeting(branch, organiser, kind="open", status="published", title="Open two")
    make_meeting(branch, organiser, kind="open", title="Open draft")
    make_meeting(branch, organiser, kind="organisational", status="published", title="Business")
    events = _events(client.get(reverse("public_feed", args=[branch.slug])))
    assert sorted(str(e["summary"]) for e in events) == ["Open one", "Open two"]
    assert all(reverse("public_meeting", args=[branch.slug, 1])[:3] in str(e["url"]) for e in events)


def test_public_feed_of_unknown_branch_is_404(client):
    assert client.get(reverse("public_feed", args=["nowhere"])).status_code == 404


def test_private_feed_lists_the_users_branches_and_can_be_revoked(client, branch, organiser, member, other_branch):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.now() + timedelta(days=7)
    make_meeting(branch, organiser, status="published", title="Ours", starts_at=soon)
    make_meeting(branch, organiser, title="Our draft", starts_at=soon)
    cancelled = make_meeting(branch, organiser, status="published", title="Called off", starts_at=soon)
    cancellations.cancel_meeting(meeting=cancelled, actor=organiser, reason="Snow")
    theirs = RoleFactory(branch=other_branch, role=RoleName.ORGANISER).user
    make_meeting(other_branch, theirs, status="published", title="Theirs", starts_at=soon, attendance_rule=None)

    _, token = calendar_feeds.create_calendar_feed(user=member)
    events = _events(client.get(reverse("private_feed", args=[token])))
    assert sorted(str(e["summary"]) for e in events) == ["Cancelled: Called off", "Ours"]
    assert {str(e["status"]) for e in events} == {"CANCELLED", "CONFIRMED"}

    assert client.get(reverse("private_feed", args=[token + "x"])).status_code == 404
    _, new_token = calendar_feeds.create_calendar_feed(user=member)  # replaces the old one
    assert client.get(reverse("private_feed", args=[token])).status_code == 404
    assert client.get(reverse("private_feed", args=[new_token])).status_code == 200
    calendar_feeds.revoke_calendar_feed(user=member)
    assert client.get(reverse("private_feed", args=[new_token])).status_code == 404


def test_calendar_feed_page_creates_shows_once_and_revokes(client_for, member):
    client = client_for(member)
    url = reverse("calendar_feed_settings")
    assert "You have no calendar feed" in client.get(url).content.decode()
    body = client.post(url, {"action": "create"}).content.decode()
    feed_path = re.search(r"/calendar/[^\"/]+\.ics", body).group(0)
    assert client.get(feed_path).status_code == 200
    assert feed_path not in client.get(url).content.decode()  # shown only once
    client.post(url, {"action": "revoke"})
    assert client.get(feed_path).status_code == 404
