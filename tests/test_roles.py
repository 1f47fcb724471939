"""Role invitations and role changes: links work once and expire, need the
invited address, and a branch never loses its last organiser."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.errors import Conflict
from groups.models import AuditEvent, Role, RoleInvitation, RoleName
from groups.services import roles as role_services

from .factories import PASSWORD, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(branch, organiser, email="new@example.org", role=RoleName.STEWARD, **kwargs):
    invitation, token = role_services.invite_to_role(branch=branch, email=email, role=role, actor=organiser, **kwargs)
    return invitation, f"/invitations/{token}/"


def test_accepting_an_invitation_works_once(branch, organiser, client):
    _, url = invite(branch, organiser)
    user = UserFactory(email="new@example.org")
    client.force_login(user)
    assert "steward" in client.get(url).content.decode().lower()

    response = client.post(url)
    assert response["Location"] == f"/b/{branch.slug}/"
    assert Role.objects.get(user=user, branch=branch).role == RoleName.STEWARD
    assert AuditEvent.objects.filter(branch=branch, action="role.accept", actor=user).count() == 1

    again = client.post(url)
    assert again.status_code == 400
    assert "This invitation has already been used." in again.content.decode()


def test_an_expired_invitation_is_refused(branch, organiser, client):
    _, url = invite(branch, organiser, at=timezone.now() - timedelta(days=8))
    client.force_login(UserFactory(email="new@example.org"))
    response = client.post(url)
    assert response.status_code == 400
    assert "This invitation has expired. Ask the organiser to send a new one." in response.content.decode()
    assert not Role.objects.filter(branch=branch, user__email="new@example.org").exists()


def test_an_invitation_for_another_address_is_refused_with_the_reason(branch, organiser, client):
    _, url = invite(branch, organiser)
    client.force_login(UserFactory(email="someone-else@example.org"))
    response = client.post(url)
    assert response.status_code == 400
    assert "This invitation was sent to a different email address." in response.content.decode()
    assert RoleInvitation.objects.get().accepted_at is None


def test_a_made_up_link_is_refused(client, member):
    client.force_login(member)
    response = client.post("/invitations/not-a-token/")
    assert response.status_code == 400
    assert "This invitation link is not valid." in response.content.decode()


def test_signed_out_people_sign_in_and_come_back_to_the_invitation(branch, organiser, client):
    _, url = invite(branch, organiser)
    UserFactory(email="new@example.org")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"

    response = client.post(response["Location"], {"login": "new@example.org", "password": PASSWORD, "next": url})
    assert response["Location"] == url
    assert client.post(url)["Location"] == f"/b/{branch.slug}/"


def test_the_last_organiser_cannot_be_demoted_or_removed_by_the_service(branch, organiser):
    role = Role.objects.get(branch=branch, user=organiser)
    with pytest.raises(Conflict) as demoted:
        role_services.change_role(role=role, new_role=RoleName.MEMBER, actor=organiser)
    assert demoted.value.code == "last_organiser"
    with pytest.raises(Conflict):
        role_services.remove_role(role=role, actor=organiser)
    assert Role.objects.get(pk=role.pk).role == RoleName.ORGANISER


def test_the_last_organiser_cannot_be_demoted_or_removed_on_the_page(branch, organiser, client_for):
    client = client_for(organiser)
    role = Role.objects.get(branch=branch, user=organiser)
    message = "A branch must keep at least one organiser. Make someone else an organiser first."

    page = client.post(f"/b/{branch.slug}/roles/{role.pk}/change/", {"role": "member"}, follow=True)
    assert message in page.content.decode()
    page = client.post(f"/b/{branch.slug}/roles/{role.pk}/remove/", follow=True)
    assert message in page.content.decode()
    assert Role.objects.get(pk=role.pk).role == RoleName.ORGANISER


def test_with_a_second_organiser_the_first_may_step_down(branch, organiser):
    RoleFactory(branch=branch, role=RoleName.ORGANISER)
    role = Role.objects.get(branch=branch, user=organiser)
    role_services.change_role(role=role, new_role=RoleName.MEMBER, actor=organiser)
    assert Role.objects.get(pk=role.pk).role == RoleName.MEMBER


def test_changing_and_removing_a_role_are_audited(branch, organiser, steward, client_for):
    client = client_for(organiser)
    role = Role.objects.get(branch=branch, user=steward)
    client.post(f"/b/{branch.slug}/roles/{role.pk}/change/", {"role": "member"})
    change = AuditEvent.objects.get(branch=branch, action="role.change")
    assert change.actor == organiser
    assert change.changes == {"role": {"old": "steward", "new": "member"}}

    client.post(f"/b/{branch.slug}/roles/{role.pk}/remove/")
    removal = AuditEvent.objects.get(branch=branch, action="role.remove")
    assert removal.changes == {"role": {"old": "member", "new": None}}
    assert not Role.objects.filter(pk=role.pk).exists()


def test_the_invite_page_emails_a_working_link(
    branch, organiser, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    # The email goes once the invitation is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/b/{branch.slug}/roles/", {"email": "New@Example.org", "role": "steward"})
    assert response.status_code == 200
    assert "Invitation sent to new@example.org" in response.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.org"]
    path = re.search(r"http://testserver(/invitations/\S+/)", mailoutbox[0].body).group(1)
    assert AuditEvent.objects.filter(branch=branch, action="role.invite").count() == 1

    client.force_login(UserFactory(email="new@example.org"))
    assert client.post(path)["Location"] == f"/b/{branch.slug}/"


def test_inviting_someone_who_already_has_a_role_says_so(branch, organiser, steward, client_for, mailoutbox):
    response = client_for(organiser).post(f"/b/{branch.slug}/roles/", {"email": steward.email, "role": "member"})
    assert "already has a role in this branch" in response.content.decode()
    assert mailoutbox == []


def test_a_withdrawn_invitation_no_longer_works(branch, organiser, client_for, client):
    invitation, url = invite(branch, organiser)
    page = client_for(organiser).post(reverse("role_invitation_revoke", args=[branch.slug, invitation.pk]), follow=True)
    assert "The invitation to new@example.org no longer works." in page.content.decode()
    assert AuditEvent.objects.filter(action="role.invite_revoke", actor=organiser).count() == 1
    client.force_login(UserFactory(email="new@example.org"))
    response = client.post(url)
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert not Role.objects.filter(branch=branch, user__email="new@example.org").exists()


def test_withdrawing_an_invitation_already_accepted_says_so_and_keeps_the_role(branch, organiser, client_for, client):
    invitation, url = invite(branch, organiser)
    user = UserFactory(email="new@example.org")
    client.force_login(user)
    client.post(url)
    organiser_client = client_for(organiser)
    page = organiser_client.post(reverse("role_invitation_revoke", args=[branch.slug, invitation.pk]), follow=True)
    assert "had already accepted" in page.content.decode()
    assert Role.objects.filter(branch=branch, user=user).exists()
    assert not AuditEvent.objects.filter(action="role.invite_revoke").exists()


def test_the_page_offers_no_remove_or_change_for_the_last_organiser(branch, organiser, steward, client_for):
    client = client_for(organiser)
    mine = Role.objects.get(branch=branch, user=organiser)
    theirs = Role.objects.get(branch=branch, user=steward)
    html = client.get(f"/b/{branch.slug}/roles/").content.decode()
    assert f"/roles/{mine.pk}/remove/" not in html and f"/roles/{mine.pk}/change/" not in html
    assert "The only organiser" in html
    assert f"/roles/{theirs.pk}/remove/" in html
    # The service still refuses a request made by hand.
    page = client.post(f"/b/{branch.slug}/roles/{mine.pk}/remove/", follow=True)
    assert "A branch must keep at least one organiser." in page.content.decode()
    assert Role.objects.filter(pk=mine.pk).exists()


def test_with_two_organisers_each_may_be_removed_and_the_message_says_the_role_in_words(
    branch, organiser, steward, client_for
):
    second = RoleFactory(branch=branch, role=RoleName.ORGANISER)
    client = client_for(organiser)
    html = client.get(f"/b/{branch.slug}/roles/").content.decode()
    assert f"/roles/{second.pk}/remove/" in html and "The only organiser" not in html
    theirs = Role.objects.get(branch=branch, user=steward)
    page = client.post(f"/b/{branch.slug}/roles/{theirs.pk}/change/", {"role": "organiser"}, follow=True)
    assert f"{steward.email} is now an organiser." in page.content.decode()
