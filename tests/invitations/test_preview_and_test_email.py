"""Before sending (issue 11, item 3): the exact email a person gets, shown on
the page, and "send a test to me" — marked as a test, with links that do
nothing, and no invitation recorded."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from groups.models import AuditEvent, Invitation, Person

from ..invitation_helpers import members_meeting, path_of, person

pytestmark = pytest.mark.django_db


def _url(meeting):
    return reverse("meeting_invitations_preview", args=[meeting.branch.slug, meeting.pk])


def test_the_preview_shows_the_email_the_first_admitted_person_would_get(branch, organiser, client_for):
    person(branch, "Bea")
    person(branch, "Ana")
    person(branch, "Sam", category="registered-supporter")  # not admitted
    meeting = members_meeting(branch, organiser)
    html = client_for(organiser).get(_url(meeting)).content.decode()
    assert "This is exactly what <strong>Ana Test</strong> would receive" in html
    assert "Branch meeting – Tue 14 May 2030, 19:30" in html
    assert "Dear Ana," in html and "Tuesday 14 May 2030, 19:30" in html
    assert "/r/test/" in html and "TEST EMAIL" not in html
    assert not Invitation.objects.exists()


def test_the_preview_can_show_a_chosen_person_and_the_reminder(branch, organiser, client_for):
    person(branch, "Ana")
    bo = person(branch, "Bo", consent=False)
    meeting = members_meeting(branch, organiser)
    html = client_for(organiser).get(_url(meeting), {"person": bo.pk, "reminder": "1"}).content.decode()
    assert "Dear Bo," in html and "Reminder: Branch meeting" in html
    assert "they will not be emailed</strong>: they have not agreed to email" in html


def test_a_person_of_another_branch_cannot_be_previewed(branch, organiser, other_branch, client_for):
    stranger = person(other_branch, "Stranger", category=None)
    meeting = members_meeting(branch, organiser)
    assert client_for(organiser).get(_url(meeting), {"person": stranger.pk}).status_code == 404


def test_send_a_test_to_me_sends_the_same_email_marked_to_the_organiser_only(
    branch, organiser, client_for, client, mailoutbox
):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    response = client_for(organiser).post(_url(meeting), {"person": ana.pk}, follow=True)
    assert "A test email is on its way to organiser@example.org. No one else was emailed." in response.content.decode()

    [message] = mailoutbox
    assert message.to == ["organiser@example.org"]
    assert message.subject == "TEST – Branch meeting – Tue 14 May 2030, 19:30"
    assert message.body.startswith("*** TEST EMAIL: this is what Ana would receive. Its links do nothing. ***")
    assert "Dear Ana," in message.body
    html, _ = message.alternatives[0]
    assert "TEST EMAIL" in html
    links = set(re.findall(r"https?://\S+", message.body))
    assert links and all(path_of(link) == "/r/test/" for link in links)
    page = client.get("/r/test/")
    assert page.status_code == 200 and "Nothing has been recorded" in page.content.decode()
    # No invitation, no reply, and the person's own details unchanged.
    assert not Invitation.objects.exists()
    assert Person.objects.get(pk=ana.pk).consent_email is True
    event = AuditEvent.objects.get(action="meeting.invite_test")
    assert event.actor == organiser and event.changes == {"as_person": ana.pk, "reminder": False}


def test_a_test_that_cannot_be_sent_says_why(branch, organiser, client_for, mailoutbox, monkeypatch):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)

    def broken(self, *a, **kw):
        raise ConnectionRefusedError("mail server refused the connection")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    html = client_for(organiser).post(_url(meeting), {"person": ana.pk}, follow=True).content.decode()
    assert "The test email could not be sent: mail server refused the connection" in html
    assert not AuditEvent.objects.filter(action="meeting.invite_test").exists()


def test_with_no_one_to_show_the_page_says_so(branch, organiser, client_for):
    meeting = members_meeting(branch, organiser)
    html = client_for(organiser).get(_url(meeting)).content.decode()
    assert "There is no one to show the email for yet" in html


def test_the_invitations_page_links_to_the_preview_and_saves_the_reminder_setting(branch, organiser, client_for):
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    page = reverse("meeting_invitations", args=[branch.slug, meeting.pk])
    client = client_for(organiser)
    html = client.get(page).content.decode()
    assert _url(meeting) in html and "Preview the email and send a test to yourself" in html
    assert "get one reminder 2 days before the meeting, on Sun 12 May 2030, 19:30" in html

    setting = reverse("meeting_invitations_reminder", args=[branch.slug, meeting.pk])
    html = client.post(setting, {"remind_days_before": "3"}, follow=True).content.decode()
    assert "will be reminded 3 days before the meeting" in html
    assert "on Sat 11 May 2030, 19:30" in html
    html = client.post(setting, {"remind_days_before": "-4"}, follow=True).content.decode()
    assert "Automatic reminder: Choose between 0 (no reminder) and 60 days." in html
    html = client.post(setting, {"remind_days_before": "0"}, follow=True).content.decode()
    assert "No automatic reminder will go." in html and "no automatic reminder will go" in html
    meeting.refresh_from_db()
    assert meeting.remind_days_before == 0


def test_before_sending_the_page_says_how_many_an_email_will_reach(branch, organiser, client_for):
    person(branch, "Ana")
    person(branch, "Bo", consent=False)
    person(branch, "Cy", email="")
    person(branch, "Sam", category="registered-supporter")  # not admitted: not counted
    meeting = members_meeting(branch, organiser)
    html = client_for(organiser).get(reverse("meeting_invitations", args=[branch.slug, meeting.pk])).content.decode()
    assert "Everyone the attendance rule admits <strong>(3 people)</strong>" in html
    assert (
        "<strong>1</strong> will get an email; <strong>2</strong> cannot be emailed"
        " (no consent to email, or no address) and will be on the call list" in html
    )
