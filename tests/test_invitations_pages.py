"""The organiser's invitations page, and the signed links people answer and
unsubscribe through without signing in."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditEvent, Invitation, Person, SendStatus
from groups.services import invitations as services

from .invitation_helpers import links_in, members_meeting, path_of, person

pytestmark = pytest.mark.django_db


def _url(meeting):
    return reverse("meeting_invitations", args=[meeting.branch.slug, meeting.pk])


# --- organiser's page -------------------------------------------------------


def test_the_page_shows_how_many_the_rule_admits(branch, organiser, client_for):
    person(branch, "Ana")
    person(branch, "Bo")
    person(branch, "Sam", category="registered-supporter")
    meeting = members_meeting(branch, organiser)
    html = client_for(organiser).get(_url(meeting)).content.decode()
    assert "Everyone the attendance rule admits <strong>(2 people)</strong>" in html
    assert "No one has been invited yet" in html
    assert 'hx-trigger="every 2s"' not in html


def test_sending_to_everyone_shows_the_counts(branch, organiser, client_for, mailoutbox):
    person(branch, "Ana")
    person(branch, "Bo", consent=False)
    person(branch, "Cy", email="")
    meeting = members_meeting(branch, organiser)
    client = client_for(organiser)
    response = client.post(_url(meeting), {"action": "send", "who": "everyone"}, follow=True)
    html = response.content.decode()
    assert "Invited 3 people. Emails are going to those who agreed to email" in html
    assert "<dt>Invited</dt><dd>3</dd>" in html
    assert "Emailed</dt><dd>1</dd>" in html
    assert "<dt>No consent to email</dt><dd>1</dd>" in html
    assert "<dt>No email address</dt><dd>1</dd>" in html
    assert len(mailoutbox) == 1


def test_choosing_a_category_the_rule_refuses_says_why_for_each(branch, organiser, client_for, mailoutbox):
    person(branch, "Sam", category="registered-supporter")
    meeting = members_meeting(branch, organiser)
    response = client_for(organiser).post(
        _url(meeting), {"action": "send", "who": "categories", "category": ["registered-supporter"]}, follow=True
    )
    html = response.content.decode()
    assert "1 person was not invited" in html
    assert "Not invited: Sam Test — No active Party member membership (holds: Registered supporter)" in html
    assert not Invitation.objects.exists() and mailoutbox == []


def test_chosen_people_arrive_ticked_from_the_query_string(branch, organiser, client_for):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    html = client_for(organiser).get(_url(meeting) + f"?person={ana.pk}").content.decode()
    assert f'name="person" value="{ana.pk}" id="person-{ana.pk}" checked' in html
    response = client_for(organiser).post(_url(meeting), {"action": "send", "who": "people", "person": [ana.pk]})
    assert response.status_code == 302
    assert Invitation.objects.get().person == ana


def test_failures_are_listed_with_their_reason(branch, organiser, client_for):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    Invitation.objects.create(meeting=meeting, person=ana, send_status=SendStatus.FAILED, send_error="Mailbox full")
    html = client_for(organiser).get(_url(meeting)).content.decode()
    assert "Emails that failed" in html and "Mailbox full" in html and "Ana Test" in html


def test_the_progress_panel_polls_only_while_sending(branch, organiser, client_for):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    Invitation.objects.create(meeting=meeting, person=ana, send_status=SendStatus.QUEUED)
    client = client_for(organiser)
    html = client.get(_url(meeting)).content.decode()
    assert 'hx-trigger="every 2s"' in html and "In progress" in html
    partial = client.get(reverse("meeting_invitations_progress", args=[branch.slug, meeting.pk])).content.decode()
    assert partial.lstrip().startswith("<section") and "every 2s" in partial
    Invitation.objects.update(send_status=SendStatus.SENT)
    partial = client.get(reverse("meeting_invitations_progress", args=[branch.slug, meeting.pk])).content.decode()
    assert "every 2s" not in partial and "Emailed</dt><dd>1</dd>" in partial


def test_the_progress_panel_says_when_emails_are_stuck(branch, organiser, client_for):
    from datetime import timedelta

    from django.utils import timezone

    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    Invitation.objects.create(
        meeting=meeting, person=ana, send_status=SendStatus.QUEUED, queued_at=timezone.now() - timedelta(hours=2)
    )
    html = client_for(organiser).get(_url(meeting)).content.decode()
    assert "1 email has been waiting to go for over half an hour" in html
    assert 'hx-trigger="every 2s"' not in html


def test_reminders_from_the_page(branch, organiser, client_for, mailoutbox):
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser)
    client = client_for(organiser)
    html = client.post(_url(meeting), {"action": "remind"}, follow=True).content.decode()
    assert "Reminders are going to 1 person" in html
    html = client.post(_url(meeting), {"action": "remind"}, follow=True).content.decode()
    assert "No one needs a reminder" in html
    assert len(mailoutbox) == 2


def test_a_draft_cannot_be_sent_from_the_page(branch, organiser, client_for):
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser, status="draft")
    client = client_for(organiser)
    assert "Publish it before inviting people" in client.get(_url(meeting)).content.decode()
    html = client.post(_url(meeting), {"action": "send", "who": "everyone"}, follow=True).content.decode()
    assert "Publish the meeting before inviting people." in html
    assert not Invitation.objects.exists()


# --- answering without signing in -------------------------------------------


@pytest.fixture
def emailed(branch, organiser, mailoutbox):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser)
    return {"person": ana, "meeting": meeting, "links": links_in(mailoutbox[0]), "mail": mailoutbox}


def test_opening_the_link_shows_the_meeting_and_changes_nothing(client, emailed):
    response = client.get(path_of(emailed["links"]["rsvp"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Branch meeting" in html and "Tue 14 May 2030, 19:30" in html
    assert 'name="reply" value="yes"' in html and 'method="post"' in html
    invitation = Invitation.objects.get()
    assert invitation.reply == "" and invitation.replied_at is None
    assert not AuditEvent.objects.filter(action="invitation.reply").exists()


def test_answering_records_the_reply_without_signing_in(client, emailed):
    url = path_of(emailed["links"]["rsvp"])
    response = client.post(url, {"reply": "yes"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.reply == "yes" and invitation.replied_at is not None
    event = AuditEvent.objects.get(action="invitation.reply")
    assert event.actor is None and event.changes["reply"] == {"old": "", "new": "yes"}
    html = client.get(response["Location"]).content.decode()
    assert "we have your answer" in html and "Your door pass" in html
    client.post(url, {"reply": "no"})
    assert Invitation.objects.get().reply == "no"


def test_a_bad_answer_is_a_clear_message(client, emailed):
    response = client.post(path_of(emailed["links"]["rsvp"]), {"reply": "perhaps"})
    assert response.status_code == 400
    assert "Answer yes, no or maybe." in response.content.decode()
    assert Invitation.objects.get().reply == ""


def _tamper(url: str) -> str:
    token = url.rstrip("/").rsplit("/", 1)[1]
    i = len(token) // 2
    changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
    return url.replace(token, changed)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_clearly(client, emailed, method):
    response = getattr(client, method)(path_of(_tamper(emailed["links"]["rsvp"])), {"reply": "yes"})
    assert response.status_code == 404
    assert "This link is not valid or has expired" in response.content.decode()
    assert Invitation.objects.get().reply == ""


def test_a_link_older_than_sixty_days_has_expired(client, emailed, monkeypatch):
    url = path_of(emailed["links"]["rsvp"])
    later = time.time() + timedelta(days=61).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.post(url, {"reply": "yes"})
    assert response.status_code == 404
    assert "This link is not valid or has expired" in response.content.decode()
    assert Invitation.objects.get().reply == ""


def test_a_link_stops_working_after_the_meeting(client, emailed):
    meeting = emailed["meeting"]
    assert (
        services.read_rsvp_token(
            emailed["links"]["rsvp"].rstrip("/").rsplit("/", 1)[1], now=meeting.starts_at + timedelta(days=1)
        )
        is None
    )
    assert services.read_rsvp_token(emailed["links"]["rsvp"].rstrip("/").rsplit("/", 1)[1]) is not None


def test_garbage_tokens_never_500(client):
    for token in ("x", "e30:1abc:zzz", "..", "%00"):
        assert client.get(f"/r/{token}/").status_code == 404
        assert client.get(f"/unsubscribe/{token}/").status_code == 404


def test_the_door_pass_link_in_the_email_works(client, emailed):
    response = client.get(path_of(emailed["links"]["door"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


# --- unsubscribing --------------------------------------------------------------


def test_unsubscribe_asks_first_then_is_honoured_in_later_sends(client, emailed, branch, organiser):
    url = path_of(emailed["links"]["unsubscribe"])
    html = client.get(url).content.decode()
    assert "Stop emails from Green Lanes Branch?" in html
    assert Person.objects.get(pk=emailed["person"].pk).consent_email is True

    html = client.post(url).content.decode()
    assert "You are unsubscribed" in html
    ana = Person.objects.get(pk=emailed["person"].pk)
    assert ana.consent_email is False and ana.consent_email_at is not None
    event = AuditEvent.objects.get(action="person.unsubscribe")
    assert event.actor is None and event.person_id == ana.pk

    emailed["mail"].clear()
    later = members_meeting(branch, organiser, title="Next meeting")
    services.send_invitations(meeting=later, actor=organiser)
    assert emailed["mail"] == []
    assert Invitation.objects.get(meeting=later).send_status == SendStatus.NO_CONSENT
    # Unsubscribing twice is harmless.
    assert client.post(url).status_code == 200
    assert AuditEvent.objects.filter(action="person.unsubscribe").count() == 1


def test_a_tampered_unsubscribe_link_changes_nothing(client, emailed):
    response = client.post(path_of(_tamper(emailed["links"]["unsubscribe"])))
    assert response.status_code == 404
    assert Person.objects.get(pk=emailed["person"].pk).consent_email is True


def test_reply_audit_and_times_are_recorded(client, emailed):
    before = timezone.now()
    client.post(path_of(emailed["links"]["rsvp"]), {"reply": "maybe"})
    assert Invitation.objects.get().replied_at >= before
