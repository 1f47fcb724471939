"""Issue 15 item 6: the branch's privacy notice. Organisers fill it from a
template (what is held, why, the Art. 9 condition, retention, rights,
contact); anyone reads it at /privacy/<slug>/; every form that collects data
and every email links to it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import AuditAction, AuditEvent
from groups.services import invitations, retention

from ..invitation_helpers import members_meeting, person
from ..meetings_helpers import make_meeting

pytestmark = pytest.mark.django_db

SECTIONS = {
    "what_held": "Names, emails and memberships.",
    "why": "To run our meetings.",
    "condition": "Article 9(2)(d), for our members and people in regular contact.",
    "retention": "Six years after membership ends.",
    "rights": "See, correct, erase; object to campaigning.",
    "contact": "secretary@greenlanes.example",
}


def public_url(branch):
    return reverse("privacy_notice", args=[branch.slug])


def test_before_the_organisers_save_it_the_public_page_shows_the_template(branch, organiser, client):
    retention.update_schedule(
        branch=branch, actor=organiser, data={"former_member_years": 4, "interest_days": 60, "upload_hours": 12}
    )
    response = client.get(public_url(branch))  # not signed in
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("What we hold about you", "Why we hold it", "Article 9", "How long we keep it", "Your rights"):
        assert heading in html
    assert "Article 9(2)(d)" in html and "not disclosed outside it without your consent" in html
    assert "4 years after their last membership" in html and "after 60 days" in html  # the branch's own schedule
    assert "have not yet reviewed this notice" in html


def test_the_organisers_fill_it_and_it_is_public_and_audited(branch, organiser, client_for, client):
    edit = reverse("privacy_notice_edit", args=[branch.slug])
    page = client_for(organiser).get(edit).content.decode()
    assert "Article 9(2)(d)" in page  # the form starts from the template
    response = client_for(organiser).post(edit, {**SECTIONS, "contact": ""})
    assert response.status_code == 400 and "the notice must say it" in response.content.decode()
    assert client_for(organiser).post(edit, SECTIONS).status_code == 302
    client.logout()
    html = client.get(public_url(branch)).content.decode()
    assert "secretary@greenlanes.example" in html and "Six years after membership ends." in html
    assert "have not yet reviewed" not in html
    [event] = AuditEvent.objects.filter(action=AuditAction.PRIVACY_NOTICE_UPDATE)
    assert event.changes == {"sections": list(SECTIONS)}


def test_only_organisers_edit_it(branch, steward, client_for):
    assert client_for(steward).get(reverse("privacy_notice_edit", args=[branch.slug])).status_code == 403


def test_an_unknown_branch_has_no_notice(client):
    assert client.get("/privacy/no-such-branch/").status_code == 404


def test_every_form_that_collects_data_links_to_it(branch, organiser, member, client_for, client):
    meeting = make_meeting(branch, organiser, kind="open", status="published")
    link = public_url(branch)
    assert link in client.get(reverse("public_meeting", args=[branch.slug, meeting.pk])).content.decode()
    for url in (reverse("person_create", args=[branch.slug]), reverse("import_upload", args=[branch.slug])):
        assert link in client_for(organiser).get(url).content.decode(), url
    person(branch, "Mo", user=member)
    assert link in client_for(member).get(reverse("my_details", args=[branch.slug])).content.decode()


def test_every_email_links_to_it(branch, organiser):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    invitations.send_invitations(meeting=meeting, actor=organiser, person_ids=[ana.pk], base_url="http://t")
    [message] = mail.outbox
    assert f"http://t{public_url(branch)}" in message.body
    assert f"http://t{public_url(branch)}" in message.alternatives[0][0]
