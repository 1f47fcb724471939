"""Members' own view (issue 5, item 4): linking by verified email, My
meetings with reasons, My details, and nothing of anyone else."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from groups.models import AuditEvent, Branch, Invitation, Person, Role, RoleName
from groups.queries.me import my_meetings
from groups.services import invitations as invitation_services
from groups.services import roles as role_services
from groups.services.linking import link_user_to_people
from groups.services.meetings import create_meeting

from .factories import PASSWORD, RoleFactory, UserFactory
from .invitation_helpers import members_meeting, person
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db


def _member(branch, email, **kw):
    return RoleFactory(branch=branch, role=RoleName.MEMBER, user__email=email, **kw).user


# --- linking --------------------------------------------------------------------


def test_a_verified_email_links_the_user_case_insensitively(branch):
    ana = person(branch, "Ana", email="Ana.Member@Example.org")
    user = _member(branch, "ana.member@example.org")
    assert link_user_to_people(user) == [ana]
    assert Person.objects.get(pk=ana.pk).user == user
    assert AuditEvent.objects.filter(action="person.link_user", person_id=ana.pk).exists()
    assert link_user_to_people(user) == []  # once only


def test_an_unverified_email_never_links(branch):
    ana = person(branch, "Ana")
    user = _member(branch, "ana@example.org", user__verified=False)
    EmailAddress.objects.create(user=user, email="ana@example.org", verified=False, primary=True)
    assert link_user_to_people(user) == []
    assert Person.objects.get(pk=ana.pk).user is None


def test_no_link_in_a_branch_where_the_user_has_no_role(branch, other_branch):
    person(other_branch, "Ana", category=None)
    user = _member(branch, "ana@example.org")
    assert link_user_to_people(user) == []


def test_signing_in_links_the_user(branch, client):
    ana = person(branch, "Ana")
    _member(branch, "ana@example.org")
    response = client.post(reverse("account_login"), {"login": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert Person.objects.get(pk=ana.pk).user.email == "ana@example.org"


def test_accepting_a_role_links_the_user(branch, organiser):
    ana = person(branch, "Ana")
    user = UserFactory(email="ana@example.org")
    _, token = role_services.invite_to_role(branch=branch, email="ana@example.org", role="member", actor=organiser)
    role_services.accept_role_invitation(token=token, user=user)
    assert Person.objects.get(pk=ana.pk).user == user


def test_an_organiser_sees_and_can_undo_the_link_for_good(branch, organiser, client_for):
    ana = person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    client = client_for(organiser)
    html = client.get(reverse("person_detail", args=[branch.slug, ana.pk])).content.decode()
    html = html.replace("<wbr>", "")  # the page lets a long email wrap after the @
    assert "Linked to the account" in html and "ana@example.org" in html and "Unlink this account" in html
    response = client.post(reverse("person_unlink_user", args=[branch.slug, ana.pk]))
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.user is None and ana.unlinked_user == user
    assert AuditEvent.objects.filter(action="person.unlink_user", actor=organiser).exists()
    assert link_user_to_people(user) == []  # not re-linked on the next sign-in


# --- My meetings ----------------------------------------------------------------


@pytest.fixture
def world(branch, organiser):
    organisational = members_meeting(branch, organiser, title="Organisational meeting", starts_at=at(2030, 5, 14))
    open_meeting = make_meeting(
        branch, organiser, title="Open meeting: housing", kind="open", status="published", starts_at=at(2030, 5, 20)
    )
    make_meeting(branch, organiser, title="Draft meeting", status="draft")
    return {"organisational": organisational, "open": open_meeting}


def test_a_registered_supporter_sees_why_and_where_they_can_go(branch, world, client_for):
    sam = person(branch, "Sam", category="registered-supporter")
    user = _member(branch, "sam@example.org")
    link_user_to_people(user)
    html = client_for(user).get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "This meeting is for party members only — you are a registered supporter." in html
    assert "No active Party member membership (holds: Registered supporter)" in html
    assert f'href="#meeting-{world["open"].pk}">Open meeting: housing</a>' in html
    assert "Draft meeting" not in html
    assert sam.pk  # their own record, found through the account


def test_a_party_member_answers_from_my_meetings(branch, world, client_for):
    ana = person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    client = client_for(user)
    html = client.get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "You may come" in html and "not given yet" in html and "This meeting is for" not in html
    response = client.post(
        reverse("my_meeting_reply", args=[branch.slug, world["organisational"].pk]), {"reply": "yes"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(person=ana, meeting=world["organisational"])
    assert invitation.reply == "yes"
    assert AuditEvent.objects.get(action="invitation.reply").actor == user


def test_an_ineligible_member_cannot_answer_yes(branch, world, client_for):
    sam = person(branch, "Sam", category="registered-supporter")
    user = _member(branch, "sam@example.org")
    link_user_to_people(user)
    response = client_for(user).post(
        reverse("my_meeting_reply", args=[branch.slug, world["organisational"].pk]), {"reply": "yes"}, follow=True
    )
    assert "does not admit you" in response.content.decode()
    assert not Invitation.objects.filter(person=sam).exists()


def test_a_reply_by_email_shows_on_my_meetings(branch, organiser, world, client_for):
    ana = person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    invitation_services.send_invitations(meeting=world["organisational"], actor=organiser)
    invitation_services.record_reply(invitation=Invitation.objects.get(person=ana), reply="maybe")
    html = client_for(user).get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert 'aria-pressed="true"><span aria-hidden="true">✓ </span>Maybe' in html


def test_a_role_without_a_linked_person_gets_a_friendly_explanation(branch, world, member, client_for):
    client = client_for(member)
    html = client.get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "We can’t find your member record yet" in html
    html = client.get(reverse("my_details", args=[branch.slug])).content.decode()
    assert "We can’t find your member record yet" in html
    response = client.post(reverse("my_meeting_reply", args=[branch.slug, world["open"].pk]), {"reply": "yes"})
    assert response.status_code == 302 and not Invitation.objects.exists()


def test_the_dashboard_lists_the_members_next_meetings(branch, world, client_for):
    person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    html = client_for(user).get(reverse("branch_dashboard", args=[branch.slug])).content.decode()
    assert "Your meetings" in html and "Organisational meeting" in html and "Open meeting: housing" in html
    assert 'href="/b/green-lanes/me/meetings/"' in html


def test_my_meetings_runs_a_fixed_number_of_queries(branch, organiser):
    ana = person(branch, "Ana")
    for i in range(3):
        members_meeting(branch, organiser, title=f"M{i}")
    ana.branch = branch

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            fresh = Branch.objects.get(pk=branch.pk)
            rows = my_meetings(fresh, ana, now=at(2030, 1, 1))
        return len(ctx.captured_queries), len(rows)

    few, n = count()
    assert n == 3
    for i in range(20):
        members_meeting(branch, organiser, title=f"N{i}")
    many, n = count()
    assert n == 23 and many == few


def _under_way(branch, organiser, **kw):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    return members_meeting(
        branch, organiser, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2), **kw
    )


def test_a_member_checked_in_at_a_meeting_under_way_finds_the_vote_from_my_meetings(branch, organiser, client_for):
    from groups.services.attendance import check_in

    ana = person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    meeting = _under_way(branch, organiser, title="Branch meeting tonight")
    client = client_for(user)
    html = client.get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "Branch meeting tonight" in html and "Happening now" in html
    assert "When a steward at the door has checked you in, you can vote and ask to speak from here." in html
    assert reverse("vote_now", args=[branch.slug, meeting.pk]) not in html
    assert reverse("speak", args=[branch.slug, meeting.pk]) not in html

    check_in(meeting=meeting, person=ana, actor=organiser)
    html = client.get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "You are checked in." in html
    assert f'href="{reverse("vote_now", args=[branch.slug, meeting.pk])}"' in html
    assert f'href="{reverse("speak", args=[branch.slug, meeting.pk])}"' in html


def test_meetings_that_are_over_or_closed_are_not_listed(branch, organiser, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from groups.services.records import close_meeting

    person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    now = timezone.now()
    members_meeting(branch, organiser, title="Last week", starts_at=now - timedelta(days=7))
    members_meeting(
        branch,
        organiser,
        title="Ended an hour ago",
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )
    closed = _under_way(branch, organiser, title="Closed early")
    close_meeting(meeting=closed, actor=organiser)
    html = client_for(user).get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "Last week" not in html and "Ended an hour ago" not in html and "Closed early" not in html


# --- My details -----------------------------------------------------------------


def test_a_member_corrects_their_own_details_and_consent(branch, client_for):
    ana = person(branch, "Ana", consent=True, phone="")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    client = client_for(user)
    html = client.get(reverse("my_details", args=[branch.slug])).content.decode()
    assert "ana@example.org" in html
    response = client.post(
        reverse("my_details", args=[branch.slug]),
        {"first_name": "Ana", "last_name": "Silva", "phone": "07700 900123", "postcode": "n8 0aa"},
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.last_name, ana.phone, ana.postcode) == ("Silva", "+447700900123", "N8 0AA")
    assert ana.consent_email is False and ana.consent_email_at is not None
    event = AuditEvent.objects.get(action="person.update")
    assert event.actor == user and event.person_id == ana.pk


def test_bad_details_are_a_clear_message(branch, client_for):
    person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    response = client_for(user).post(
        reverse("my_details", args=[branch.slug]), {"first_name": "Ana", "phone": "not a phone", "consent_email": "on"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_member_sees_nothing_of_anyone_else(branch, client_for):
    person(branch, "Ana")
    bo = person(branch, "Bo", email="bo@example.org", phone="+447700900999")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    client = client_for(user)
    for name in ("my_meetings", "my_details"):
        html = client.get(reverse(name, args=[branch.slug]) + f"?person={bo.pk}&person_id={bo.pk}").content.decode()
        assert "bo@example.org" not in html and "900999" not in html
    # The email cannot be changed here, so no one can take over another's record.
    client.post(reverse("my_details", args=[branch.slug]), {"first_name": "Ana", "email": "bo@example.org"})
    assert Person.objects.get(first_name="Ana").email == "ana@example.org"
    assert client.get(reverse("people_list", args=[branch.slug])).status_code == 403
    assert client.get(reverse("person_detail", args=[branch.slug, bo.pk])).status_code == 403


def test_my_meetings_ignores_other_branches(branch, other_branch, organiser, client_for):
    Role.objects.create(branch=other_branch, user=organiser, role=RoleName.MEMBER)
    create_meeting(
        branch=other_branch,
        actor=None,
        title="Quiz night far away",
        kind="open",
        starts_at=at(2030, 5, 1),
        status="published",
    )
    person(branch, "Org", email="organiser@example.org")
    link_user_to_people(organiser)
    html = client_for(organiser).get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert "Quiz night far away" not in html


def test_the_my_meetings_page_runs_a_fixed_number_of_queries(branch, organiser, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person(branch, "Ana")
    user = _member(branch, "ana@example.org")
    link_user_to_people(user)
    client = client_for(user)
    url = reverse("my_meetings", args=[branch.slug])
    for i in range(3):
        members_meeting(branch, organiser, title=f"M{i}")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(27):
        members_meeting(branch, organiser, title=f"N{i}")
    with CaptureQueriesContext(connection) as many:
        assert "N26" in client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
