"""Attacks the ASVS review tried that held, replayed so that they keep
holding: another branch's ids, forged requests without a CSRF token, script
in a member's name, tampered personal links, and fields a client should not
set (mass assignment)."""

import pytest
from django.test import Client
from django.urls import reverse

from groups.exports.qr import door_token
from groups.models import Attendance, Invitation, Person, Rule
from groups.services.invitations import rsvp_token

from ..cross_branch import make_far_branch, snapshot
from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def far(db):
    return make_far_branch()


@pytest.fixture
def meeting(branch):
    return MeetingFactory(branch=branch, attendance_rule=Rule.objects.get(branch=branch, name="Everyone"))


def test_checking_in_another_branchs_person_at_our_door_is_404_and_writes_nothing(
    client_for, steward, branch, meeting, far
):
    before = snapshot()
    url = reverse("door_check_in", args=[branch.slug, meeting.pk])
    assert client_for(steward).post(url, {"person": far.person.pk}).status_code == 404
    assert snapshot() == before


def test_our_door_never_finds_another_branchs_people(client_for, steward, branch, meeting, far):
    html = client_for(steward).post(reverse("door_search", args=[branch.slug, meeting.pk]), {"q": "Farah"})
    assert "Away" not in html.content.decode()


def test_their_meeting_under_our_slug_is_404(client_for, organiser, branch, far):
    for name in ("door", "meeting_ics", "attendance_list"):
        assert client_for(organiser).get(reverse(name, args=[branch.slug, far.meeting.pk])).status_code == 404


def test_a_forged_check_in_without_a_csrf_token_is_refused(steward, branch, meeting):
    ana = person_with_membership(branch, "party-member")
    client = Client(enforce_csrf_checks=True)
    client.force_login(steward)
    response = client.post(reverse("door_check_in", args=[branch.slug, meeting.pk]), {"person": ana.pk})
    assert response.status_code == 403 and not Attendance.objects.exists()
    search = client.post(reverse("door_search", args=[branch.slug, meeting.pk]), {"q": ana.last_name})
    assert search.status_code == 403


def test_the_api_with_a_session_but_no_csrf_token_is_refused(steward, branch, meeting):
    ana = person_with_membership(branch, "party-member")
    client = Client(enforce_csrf_checks=True)
    client.force_login(steward)
    url = f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/checkins/"
    response = client.post(url, {"person": ana.pk}, content_type="application/json")
    assert response.status_code == 403 and not Attendance.objects.exists()


def test_script_in_a_members_name_is_shown_as_text_at_the_door(client_for, steward, branch, meeting):
    person_with_membership(branch, "party-member", first_name="<script>alert(1)</script>", last_name="Xss")
    html = client_for(steward).post(reverse("door_search", args=[branch.slug, meeting.pk]), {"q": "xss"})
    body = html.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_tampered_door_qr_code_opens_nobody(client_for, steward, branch, meeting):
    ana = person_with_membership(branch, "party-member", first_name="Ana", last_name="Token")
    token = door_token(meeting.pk, ana.pk)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client_for(steward).get(reverse("door_qr_open", args=[branch.slug, meeting.pk, tampered]))
    assert response.status_code == 404 and "Ana Token" not in response.content.decode()
    # A good code for another meeting does not open this one.
    other = MeetingFactory(branch=branch)
    response = client_for(steward).get(reverse("door_qr_open", args=[branch.slug, other.pk, token]))
    assert response.status_code == 404


def test_a_tampered_rsvp_link_records_nothing(client, branch, meeting):
    ana = person_with_membership(branch, "party-member", first_name="Ana", last_name="Rsvp")
    invitation = Invitation.objects.create(meeting=meeting, person=ana)
    token = rsvp_token(invitation)
    tampered = token[:-3] + "xyz"
    response = client.post(reverse("rsvp", args=[tampered]), {"reply": "yes"})
    assert response.status_code == 404 and "Ana" not in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply in ("", None)


def test_a_client_cannot_choose_the_branch_or_id_of_a_new_person(api, organiser, branch, far):
    body = {
        "first_name": "Mass",
        "last_name": "Assignment",
        "email": "mass@example.org",
        "memberships": [],
        "id": far.person.pk,
        "branch": far.branch.pk,
        "branch_id": far.branch.pk,
        "user": organiser.pk,
    }
    response = api(organiser).post(f"/api/v1/branches/{branch.slug}/people/", body, format="json")
    assert response.status_code == 201, response.json()
    made = Person.objects.get(email="mass@example.org")
    assert made.branch_id == branch.pk and made.pk != far.person.pk and made.user_id is None
    assert Person.objects.get(pk=far.person.pk).last_name == "Away"
