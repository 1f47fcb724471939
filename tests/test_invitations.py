"""Invitations: who is invited, who is emailed, re-sending, reminders, and
the email itself (issue 5, item 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.errors import Conflict, InvalidInput
from groups.models import AuditEvent, Invitation, Person, SendStatus
from groups.queries import invitations as invitation_queries
from groups.services import invitations as services

from .invitation_helpers import links_in, members_meeting, person
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db


def test_everyone_the_rule_admits_is_invited_and_no_one_else(branch, organiser, mailoutbox):
    ana = person(branch, "Ana")
    person(branch, "Sam", category="registered-supporter")
    person(branch, "Lee", status="lapsed")
    meeting = members_meeting(branch, organiser)

    report = services.send_invitations(meeting=meeting, actor=organiser)

    assert report["invited"] == 1 and report["refused"] == []
    assert list(Invitation.objects.filter(meeting=meeting).values_list("person_id", flat=True)) == [ana.pk]
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    event = AuditEvent.objects.get(action="meeting.invite")
    assert event.changes["invited"] == 1 and event.changes["queued"] == 1
    assert "ana@example.org" not in str(event.changes)


def test_people_waiting_for_review_are_not_invited(branch, organiser):
    person(branch, "Pending", category="supporter", pending_review=True)
    meeting = make_meeting(branch, organiser, kind="open", status="published", attendance_rule=None)
    report = services.send_invitations(meeting=meeting, actor=organiser)
    assert report["invited"] == 0


def test_an_ineligible_person_chosen_explicitly_is_refused_with_the_reason(branch, organiser, mailoutbox):
    ana = person(branch, "Ana")
    sam = person(branch, "Sam", category="registered-supporter")
    meeting = members_meeting(branch, organiser)

    report = services.send_invitations(meeting=meeting, actor=organiser, person_ids=[ana.pk, sam.pk])

    assert report["invited"] == 1
    [(refused, reason)] = report["refused"]
    assert refused == sam
    assert "Party member" in reason and "Registered supporter" in reason
    assert not Invitation.objects.filter(person=sam).exists()
    assert len(mailoutbox) == 1


def test_people_of_another_branch_cannot_be_invited_and_the_organiser_is_told(branch, organiser, other_branch):
    ana = person(branch, "Ana")
    stranger = person(other_branch, "Stranger", category=None)
    meeting = make_meeting(branch, organiser, status="published", attendance_rule=None)
    for chosen in ([stranger.pk], [ana.pk, stranger.pk], [ana.pk, 2**63]):
        with pytest.raises(InvalidInput, match="not in this branch") as refused:
            services.send_invitations(meeting=meeting, actor=organiser, person_ids=chosen)
        assert refused.value.code == "unknown_people"
    # All or nothing: Ana was not invited either, and nothing was recorded.
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="meeting.invite").exists()


def test_only_people_who_consented_and_have_an_address_are_emailed(branch, organiser, mailoutbox):
    person(branch, "Ana")
    person(branch, "Bo", consent=False)
    person(branch, "Cy", email="")
    meeting = members_meeting(branch, organiser)

    services.send_invitations(meeting=meeting, actor=organiser)

    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    statuses = dict(Invitation.objects.values_list("person__first_name", "send_status"))
    assert statuses == {"Ana": SendStatus.SENT, "Bo": SendStatus.NO_CONSENT, "Cy": SendStatus.NO_EMAIL}
    progress = invitation_queries.progress(meeting)
    assert (progress["invited"], progress["sent"], progress["no_consent"], progress["no_email"]) == (3, 1, 1, 1)
    assert Invitation.objects.get(person__first_name="Ana").sent_at is not None


def test_sending_again_never_duplicates_invitations_or_emails(branch, organiser, mailoutbox):
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser)
    again = services.send_invitations(meeting=meeting, actor=organiser)
    assert again["invited"] == 0 and again["already"] == 1 and again["queued"] == 0
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1

    person(branch, "Newcomer")
    third = services.send_invitations(meeting=meeting, actor=organiser)
    assert third["invited"] == 1
    assert Invitation.objects.count() == 2
    assert [m.to for m in mailoutbox] == [["ana@example.org"], ["newcomer@example.org"]]


def test_a_failed_email_is_recorded_and_retried_by_the_next_send(branch, organiser, mailoutbox, monkeypatch):
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)

    def broken(self, *a, **kw):
        raise ConnectionRefusedError("mail server refused the connection")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    services.send_invitations(meeting=meeting, actor=organiser)
    invitation = Invitation.objects.get()
    assert invitation.send_status == SendStatus.FAILED and invitation.sent_at is None
    assert "refused the connection" in invitation.send_error
    assert invitation_queries.progress(meeting)["failures"] == [invitation]

    monkeypatch.undo()
    services.send_invitations(meeting=meeting, actor=organiser)
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.SENT and invitation.send_error == ""
    assert len(mailoutbox) == 1


def test_an_invitation_lost_in_the_queue_is_sent_by_the_next_send_once_it_is_stale(branch, organiser, mailoutbox):
    """A worker that dies mid-send leaves invitations "queued". Sending again
    leaves recent ones to the worker (no second copy), and queues stale ones again."""
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    now = timezone.now()
    five_minutes_ago = now - timedelta(minutes=5)
    lost = Invitation.objects.create(
        meeting=meeting, person=Person.objects.get(), send_status=SendStatus.QUEUED, queued_at=five_minutes_ago
    )
    assert invitation_queries.progress(meeting, now=now)["stuck"] == 0
    assert services.send_invitations(meeting=meeting, actor=organiser, at=now)["queued"] == 0  # still on its way
    assert mailoutbox == []

    later = now + invitation_queries.STALE_QUEUE
    counts = invitation_queries.progress(meeting, now=later)
    assert counts["stuck"] == 1 and counts["sending"] is False  # no endless polling of a dead queue
    assert services.send_invitations(meeting=meeting, actor=organiser, at=later)["queued"] == 1
    lost.refresh_from_db()
    assert (lost.send_status, lost.queued_at) == (SendStatus.SENT, later)
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]


def test_a_person_who_agrees_to_email_later_is_emailed_on_the_next_send(branch, organiser, mailoutbox):
    bo = person(branch, "Bo", consent=False)
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser)
    assert mailoutbox == []
    Person.objects.filter(pk=bo.pk).update(consent_email=True)
    services.send_invitations(meeting=meeting, actor=organiser)
    assert [m.to for m in mailoutbox] == [["bo@example.org"]]


def test_draft_and_cancelled_meetings_cannot_be_sent(branch, organiser):
    person(branch, "Ana")
    draft = members_meeting(branch, organiser, status="draft")
    with pytest.raises(Conflict, match="Publish the meeting"):
        services.send_invitations(meeting=draft, actor=organiser)
    assert not Invitation.objects.exists()


def test_reminders_go_only_to_those_who_have_not_answered_and_never_twice_in_a_day(branch, organiser, mailoutbox):
    person(branch, "Ana")
    person(branch, "Bo")
    person(branch, "Cy", consent=False)  # never emailed, so never reminded
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser)
    services.record_reply(invitation=Invitation.objects.get(person__first_name="Ana"), reply="yes")
    mailoutbox.clear()

    assert services.send_reminders(meeting=meeting, actor=organiser) == 1
    assert [m.to for m in mailoutbox] == [["bo@example.org"]]
    assert mailoutbox[0].subject.startswith("Reminder: ")
    assert services.send_reminders(meeting=meeting, actor=organiser) == 0
    assert len(mailoutbox) == 1

    Invitation.objects.filter(person__first_name="Bo").update(reminded_at=timezone.now() - timedelta(hours=25))
    assert services.send_reminders(meeting=meeting, actor=organiser) == 1
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action="meeting.remind").count() == 3


def test_the_email_carries_the_meeting_in_local_time_and_its_links(branch, organiser, mailoutbox):
    person(branch, "Ana")
    # 19:30 in London is 18:30 UTC in summer and 19:30 UTC in winter.
    summer = members_meeting(branch, organiser, starts_at=at(2030, 5, 14), location="Friends Meeting House")
    winter = members_meeting(branch, organiser, starts_at=at(2030, 12, 10))
    services.send_invitations(meeting=summer, actor=organiser)
    services.send_invitations(meeting=winter, actor=organiser)

    first, second = mailoutbox
    assert "Tuesday 14 May 2030, 19:30" in first.body and "18:30" not in first.body
    assert "Tuesday 10 December 2030, 19:30" in second.body
    assert "Europe/London" in first.body and "Friends Meeting House" in first.body
    assert first.subject == "Branch meeting – Tue 14 May 2030, 19:30"
    html, mime = first.alternatives[0]
    assert mime == "text/html" and "cid:door-pass" in html and "19:30" in html
    links = links_in(first)
    assert links["rsvp"] in html and links["unsubscribe"] in html
    assert first.extra_headers["List-Unsubscribe"] == f"<{links['unsubscribe']}>"
    [image] = [part for part in first.attachments if not isinstance(part, tuple)]
    assert image["Content-ID"] == "<door-pass>" and image.get_content_type() == "image/png"


def test_links_use_the_site_address_given(branch, organiser, mailoutbox):
    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser, base_url="https://rollcall.example.org/")
    assert links_in(mailoutbox[0])["rsvp"].startswith("https://rollcall.example.org/r/")


def test_a_full_meeting_refuses_another_yes(branch, organiser):
    ana, bo = person(branch, "Ana"), person(branch, "Bo")
    meeting = members_meeting(branch, organiser, capacity=1)
    services.send_invitations(meeting=meeting, actor=organiser)
    services.record_reply(invitation=Invitation.objects.get(person=ana), reply="yes")
    with pytest.raises(Conflict, match="full"):
        services.record_reply(invitation=Invitation.objects.get(person=bo), reply="yes")
    services.record_reply(invitation=Invitation.objects.get(person=bo), reply="maybe")
