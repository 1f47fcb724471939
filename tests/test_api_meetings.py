"""Meetings in the REST API (CONTRACT.md §4) at /api/v1/branches/{slug}/meetings/."""

import pytest

from groups.models import AuditEvent, Meeting, Rule

from .meetings_helpers import make_meeting
from .rate_limits import RATE_LIMIT_QUERIES

pytestmark = pytest.mark.django_db
FIELDS = {
    "id", "title", "kind", "status", "starts_at", "ends_at", "location", "attendance_rule", "voting_rule",
    "eligibility_date", "quorum", "quorum_percent", "quorum_combine", "capacity",
}  # fmt: skip


def _list(branch):
    return f"/api/v1/branches/{branch.slug}/meetings/"


def _one(branch, meeting):
    return f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/"


def test_list_shows_the_contract_fields(api, branch, organiser):
    meeting = make_meeting(branch, organiser)
    response = api(organiser).get(_list(branch))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == meeting.pk and row["kind"] == "organisational"
    assert row["attendance_rule"] == Rule.objects.get(branch=branch, name="Party members only").pk
    assert set(row) == FIELDS


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow(api, branch, organiser, django_assert_num_queries, n):
    for _ in range(n):
        make_meeting(branch, organiser)
    client = api(organiser)
    with django_assert_num_queries(4 + RATE_LIMIT_QUERIES):
        assert client.get(_list(branch)).status_code == 200


def test_create_goes_through_the_service(api, branch, organiser):
    response = api(organiser).post(
        _list(branch),
        {"title": "AGM", "kind": "agm", "starts_at": "2030-11-03T19:00:00+00:00", "quorum": 10},
        format="json",
    )
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(title="AGM")
    assert meeting.attendance_rule.name == "Party members only"  # the kind's usual rule
    assert AuditEvent.objects.filter(action="meeting.create", object_id=str(meeting.pk)).exists()


def test_a_rule_of_another_branch_is_refused(api, branch, organiser, other_branch, outsider):
    foreign = Rule.objects.create(branch=other_branch, name="X", definition={"everyone": True})
    response = api(organiser).post(
        _list(branch),
        {"title": "T", "kind": "open", "starts_at": "2030-11-03T19:00:00Z", "attendance_rule": foreign.pk},
        format="json",
    )
    assert response.status_code == 400 and "attendance_rule" in response.json()


def test_patch_changes_and_audits(api, branch, organiser):
    meeting = make_meeting(branch, organiser)
    response = api(organiser).patch(_one(branch, meeting), {"capacity": 40, "attendance_rule": None}, format="json")
    assert response.status_code == 200, response.json()
    meeting.refresh_from_db()
    assert meeting.capacity == 40 and meeting.attendance_rule is None
    assert AuditEvent.objects.filter(action="meeting.update").exists()


def test_members_cannot_read_stewards_cannot_write_outsiders_see_nothing(
    api, branch, organiser, member, steward, outsider
):
    meeting = make_meeting(branch, organiser)
    assert api(steward).get(_list(branch)).status_code == 200
    assert api(member).get(_list(branch)).status_code == 403
    assert api(steward).patch(_one(branch, meeting), {"capacity": 1}, format="json").status_code == 403
    response = api(outsider).get(_one(branch, meeting))
    assert response.status_code == 404 and "detail" in response.json()


def test_a_meeting_of_another_branch_answers_404(api, branch, organiser, other_branch, outsider):
    foreign = make_meeting(other_branch, outsider)
    assert api(organiser).get(f"/api/v1/branches/{branch.slug}/meetings/{foreign.pk}/").status_code == 404


def test_a_year_that_looks_wrong_is_refused_with_a_message(api, branch, organiser):
    response = api(organiser).post(
        _list(branch), {"title": "T", "kind": "open", "starts_at": "0459-07-17T19:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert "year looks wrong" in str(response.json())
    assert not Meeting.objects.filter(title="T").exists()
