"""The meetings API code (groups/api/meetings.py), called through DRF's
request factory: its URLs are wired by the lead with the API framework."""

import pytest
from rest_framework.test import APIRequestFactory, force_authenticate

from groups.api.meetings import MeetingViewSet
from groups.models import AuditEvent, Meeting, Rule

from .meetings_helpers import make_meeting

pytestmark = pytest.mark.django_db
factory = APIRequestFactory()
listing = MeetingViewSet.as_view({"get": "list", "post": "create"})
detail = MeetingViewSet.as_view({"get": "retrieve", "patch": "partial_update"})


def _call(view, method, user, data=None, **kwargs):
    request = getattr(factory, method)("/", data, format="json")
    force_authenticate(request, user=user)
    return view(request, **kwargs)


def test_list_shows_the_contract_fields(branch, organiser):
    meeting = make_meeting(branch, organiser)
    response = _call(listing, "get", organiser, slug=branch.slug)
    assert response.status_code == 200
    rows = response.data["results"] if isinstance(response.data, dict) else response.data
    [row] = rows
    assert row["id"] == meeting.pk and row["kind"] == "organisational"
    assert row["attendance_rule"] == Rule.objects.get(branch=branch, name="Party members only").pk
    assert set(row) == {
        "id", "title", "kind", "status", "starts_at", "ends_at", "location", "attendance_rule", "voting_rule",
        "eligibility_date", "quorum", "quorum_percent", "quorum_combine", "capacity",
    }  # fmt: skip


def test_create_goes_through_the_service(branch, organiser):
    response = _call(
        listing,
        "post",
        organiser,
        {"title": "AGM", "kind": "agm", "starts_at": "2030-11-03T19:00:00+00:00", "quorum": 10},
        slug=branch.slug,
    )
    assert response.status_code == 201, response.data
    meeting = Meeting.objects.get(title="AGM")
    assert meeting.attendance_rule.name == "Party members only"  # the kind's usual rule
    assert AuditEvent.objects.filter(action="meeting.create", object_id=str(meeting.pk)).exists()


def test_a_rule_of_another_branch_is_refused(branch, organiser, other_branch, outsider):
    make_meeting(other_branch, outsider)
    foreign = Rule.objects.create(branch=other_branch, name="X", definition={"everyone": True})
    response = _call(
        listing,
        "post",
        organiser,
        {"title": "T", "kind": "open", "starts_at": "2030-11-03T19:00:00Z", "attendance_rule": foreign.pk},
        slug=branch.slug,
    )
    assert response.status_code == 400 and "attendance_rule" in response.data


def test_patch_changes_and_audits(branch, organiser):
    meeting = make_meeting(branch, organiser)
    response = _call(
        detail, "patch", organiser, {"capacity": 40, "attendance_rule": None}, slug=branch.slug, pk=meeting.pk
    )
    assert response.status_code == 200, response.data
    meeting.refresh_from_db()
    assert meeting.capacity == 40 and meeting.attendance_rule is None
    assert AuditEvent.objects.filter(action="meeting.update").exists()


def test_members_cannot_write_and_outsiders_see_nothing(branch, organiser, member, steward, outsider):
    meeting = make_meeting(branch, organiser)
    assert _call(listing, "get", steward, slug=branch.slug).status_code == 200
    assert _call(listing, "get", member, slug=branch.slug).status_code == 403
    assert _call(detail, "patch", steward, {"capacity": 1}, slug=branch.slug, pk=meeting.pk).status_code == 403
    assert _call(detail, "get", outsider, slug=branch.slug, pk=meeting.pk).status_code == 404
