"""The meeting page's Close button and closed banner, the door on a closed
meeting, and the API's close/, reopen/, record/ and quorum/ (CONTRACT.md §5)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditEvent, Meeting, MeetingRecord, RoleName
from groups.services import attendance as svc
from groups.services.records import close_meeting

from ..factories import MeetingFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(branch, organiser):
    meeting = MeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(hours=1), quorum=1)
    for _ in range(2):
        svc.check_in(meeting=meeting, person=PersonFactory(branch=branch), actor=organiser)
    return meeting


def page(client, meeting):
    return client.get(reverse("meeting_detail", args=[meeting.branch.slug, meeting.pk])).content.decode()


def test_an_organiser_closes_from_the_meeting_page_without_javascript(held, organiser, client_for):
    client = client_for(organiser)
    assert "Close and freeze the record" in page(client, held)
    response = client.post(reverse("meeting_close", args=[held.branch.slug, held.pk]), follow=True)
    html = response.content.decode()
    assert "is closed. Its record is frozen" in html
    assert "its record is frozen" in html and "<dt>Present</dt><dd>2</dd>" in html
    assert "Close and freeze the record" not in html and "Reopen this meeting" in html
    assert MeetingRecord.objects.get(meeting=held).closed_by == organiser


def test_a_meeting_not_started_offers_no_close(branch, organiser, client_for):
    future = MeetingFactory(branch=branch, starts_at=timezone.now() + timedelta(days=2))
    assert "Close and freeze the record" not in page(client_for(organiser), future)


def test_a_steward_cannot_close(held, branch, client_for):
    steward = RoleFactory(branch=branch, role=RoleName.STEWARD).user
    client = client_for(steward)
    assert "Close and freeze the record" not in page(client, held)
    assert client.post(reverse("meeting_close", args=[branch.slug, held.pk])).status_code == 403
    assert not MeetingRecord.objects.exists()


def test_another_branchs_meeting_is_404(held, outsider, client_for):
    client = client_for(outsider)
    assert client.post(reverse("meeting_close", args=[held.branch.slug, held.pk])).status_code == 404


def test_reopening_from_the_page_needs_a_reason(held, organiser, client_for):
    close_meeting(meeting=held, actor=organiser)
    client = client_for(organiser)
    url = reverse("meeting_reopen", args=[held.branch.slug, held.pk])
    html = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why the meeting is reopened" in html
    assert Meeting.objects.get(pk=held.pk).closed_at is not None
    html = client.post(url, {"reason": "Late paper list"}, follow=True).content.decode()
    assert "is open again" in html
    assert Meeting.objects.get(pk=held.pk).closed_at is None
    assert AuditEvent.objects.filter(action="meeting.reopen").count() == 1


def test_the_door_refuses_a_check_in_at_a_closed_meeting_with_a_clear_message(held, organiser, client_for):
    close_meeting(meeting=held, actor=organiser)
    person = PersonFactory(branch=held.branch)
    response = client_for(organiser).post(
        reverse("door_check_in", args=[held.branch.slug, held.pk]), {"person": person.pk}, follow=True
    )
    assert "This meeting is closed: its record is history" in response.content.decode()
    assert not held.attendances.filter(person=person).exists()


def test_editing_a_closed_meeting_is_refused(held, organiser, client_for):
    close_meeting(meeting=held, actor=organiser)
    response = client_for(organiser).get(reverse("meeting_edit", args=[held.branch.slug, held.pk]), follow=True)
    assert "This meeting is closed" in response.content.decode()


# --- the API ---------------------------------------------------------------------


def url(meeting, what):
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/{what}/"


def test_api_close_reopen_and_record(held, organiser, api):
    client = api(organiser)
    live = client.get(url(held, "record")).json()
    assert live["closed_at"] is None and live["present"] == 2

    closed = client.post(url(held, "close"), format="json")
    assert closed.status_code == 200
    body = closed.json()
    assert body["closed_at"] is not None
    assert {k: body[k] for k in ("eligible_to_vote", "quorum", "present", "present_eligible", "quorate")} == {
        "eligible_to_vote": held.branch.people.count(),
        "quorum": 1,
        "present": 2,
        "present_eligible": 2,
        "quorate": True,
    }
    assert body["rule_versions"] == {"attendance": None, "voting": None}
    assert client.post(url(held, "close"), format="json").status_code == 409

    # A person added since: the frozen record and quorum/ do not move.
    PersonFactory(branch=held.branch)
    assert client.get(url(held, "record")).json() == body
    assert client.get(url(held, "quorum")).json()["eligible"] == body["eligible_to_vote"]
    refused = client.post(url(held, "checkins"), {"person": PersonFactory(branch=held.branch).pk}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "meeting_closed"

    assert client.post(url(held, "reopen"), {}, format="json").status_code == 400
    reopened = client.post(url(held, "reopen"), {"reason": "Counted again"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["closed_at"] is None
    assert client.post(url(held, "reopen"), {"reason": "Again"}, format="json").status_code == 409


def test_api_close_is_for_organisers_and_this_branch(held, branch, outsider, api):
    steward = RoleFactory(branch=branch, role=RoleName.STEWARD).user
    assert api(steward).get(url(held, "record")).status_code == 200
    assert api(steward).post(url(held, "close"), format="json").status_code == 403
    assert api(outsider).post(url(held, "close"), format="json").status_code == 404
    assert api(outsider).get(url(held, "record")).status_code == 404
    assert not MeetingRecord.objects.exists()


def test_api_close_before_the_start_is_409(branch, organiser, api):
    future = MeetingFactory(branch=branch, starts_at=timezone.now() + timedelta(days=1))
    response = api(organiser).post(url(future, "close"), format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_started"


def test_api_patch_of_a_closed_meeting_is_409(held, organiser, api):
    close_meeting(meeting=held, actor=organiser)
    response = api(organiser).patch(
        f"/api/v1/branches/{held.branch.slug}/meetings/{held.pk}/", {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 409
