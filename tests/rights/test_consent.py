"""Issue 15 item 4: consent per channel (email, phone) and purpose (service
messages, campaigning), each change with who recorded it, when and how;
withdrawing is one click from every email (a signed token, nothing personal
in the URL); every send asks at send time, so a withdrawal between queueing
and sending stops the email; the public register-interest form counts the
consent only once the person confirms their address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditAction, AuditEvent, ConsentRecord, Invitation, Person, SendStatus
from groups.queries.subject_access import subject_access
from groups.services import consent, invitations
from groups.services.erasure import erase_person

from ..invitation_helpers import links_in, members_meeting, path_of, person
from ..meetings_helpers import make_meeting

pytestmark = pytest.mark.django_db


class Queue:
    """Stands in for the task queue: keeps what was enqueued, runs nothing."""

    def __init__(self):
        self.jobs = []

    def enqueue(self, **kwargs):
        self.jobs.append(kwargs)


@pytest.fixture
def queue(monkeypatch):
    q = Queue()
    monkeypatch.setattr(invitations, "deliver", q)
    return q


def _queue_invitations(meeting, organiser, people, capture):
    with capture(execute=True):
        invitations.send_invitations(
            meeting=meeting, actor=organiser, person_ids=[p.pk for p in people], base_url="http://t"
        )


def test_a_withdrawal_between_queueing_and_sending_stops_the_email(
    branch, organiser, queue, django_capture_on_commit_callbacks
):
    ana, bo = person(branch, "Ana"), person(branch, "Bo")
    meeting = members_meeting(branch, organiser)
    _queue_invitations(meeting, organiser, [ana, bo], django_capture_on_commit_callbacks)
    [job] = queue.jobs
    assert mail.outbox == []
    invitations.unsubscribe(person=ana)  # after queueing, before the worker sends
    counts = invitations.deliver_now(job["invitation_ids"], base_url="http://t", reminder=False)
    assert counts == {"sent": 1, "failed": 0, "skipped": 1}
    assert [m.to for m in mail.outbox] == [[bo.email]]
    assert Invitation.objects.get(meeting=meeting, person=ana).send_status == SendStatus.NO_CONSENT


def test_a_withdrawal_stops_a_queued_reminder_too(branch, organiser, queue, django_capture_on_commit_callbacks):
    ana = person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    _queue_invitations(meeting, organiser, [ana], django_capture_on_commit_callbacks)
    invitations.deliver_now(queue.jobs[0]["invitation_ids"], base_url="http://t", reminder=False)
    Invitation.objects.filter(person=ana).update(sent_at=timezone.now() - timedelta(days=3))
    consent.set_consent(person=ana, channel="email", purpose="service", given=False, actor=organiser)
    counts = invitations.deliver_now(queue.jobs[0]["invitation_ids"], base_url="http://t", reminder=True)
    assert counts["skipped"] == 1 and len(mail.outbox) == 1  # only the invitation, before the withdrawal


def test_campaigning_is_asked_apart_from_service_messages(branch, organiser):
    ana = person(branch, "Ana")
    assert consent.may_contact(ana, "email", "service") and not consent.may_contact(ana, "email", "campaigning")
    consent.set_consent(person=ana, channel="email", purpose="campaigning", given=True, actor=organiser)
    ana.refresh_from_db()
    assert consent.may_contact(ana, "email", "campaigning")
    assert not consent.may_contact(ana, "phone", "campaigning")  # nothing given, and no phone either


def test_one_click_from_the_email_withdraws_email_for_every_purpose(branch, organiser):
    ana = person(branch, "Ana")
    consent.set_consent(person=ana, channel="email", purpose="campaigning", given=True, actor=organiser)
    meeting = members_meeting(branch, organiser)
    invitations.send_invitations(meeting=meeting, actor=organiser, person_ids=[ana.pk], base_url="http://t")
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = links_in(message)["unsubscribe"]
    assert "ana" not in url.lower() and "example" not in url  # no personal data in the URL
    # A mail client's own button: a bare POST, no form, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(path_of(url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    ana.refresh_from_db()
    assert not ana.consent_email and not ana.campaign_email
    withdrawn = ConsentRecord.objects.filter(person=ana, given=False)
    assert sorted(withdrawn.values_list("purpose", "method")) == [("campaigning", "link"), ("service", "link")]


def test_history_says_who_recorded_what_when_and_how(branch, organiser, member, client_for):
    from groups.services import people as people_services

    ana = people_services.create_person(
        branch=branch, actor=organiser, data={"first_name": "Ana", "email": "ana@example.org", "consent_email": True}
    )
    Person.objects.filter(pk=ana.pk).update(user=member)
    [first] = ConsentRecord.objects.filter(person=ana)
    assert (first.channel, first.purpose, first.given, first.method, first.recorded_by) == (
        "email",
        "service",
        True,
        "form",
        organiser,
    )
    # The organiser records a phone call's answer on the person page.
    response = client_for(organiser).post(
        reverse("person_consent", args=[branch.slug, ana.pk]), {"what": "phone:campaigning", "given": "yes"}
    )
    assert response.status_code == 302
    # The member ticks campaigning email on My details (phone stays ticked, as the page shows it).
    client_for(member).post(
        reverse("my_details", args=[branch.slug]),
        {"first_name": "Ana", "consent_email": "on", "campaign_email": "on", "campaign_phone": "on"},
    )
    records = list(ConsentRecord.objects.filter(person=ana).order_by("id"))
    assert [(r.channel, r.purpose, r.given, r.method) for r in records] == [
        ("email", "service", True, "form"),
        ("phone", "campaigning", True, "form"),
        ("email", "campaigning", True, "self"),
    ]
    assert records[2].recorded_by == member
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_CONSENT, person_id=ana.pk).count() == 2
    html = client_for(organiser).get(reverse("person_detail", args=[branch.slug, ana.pk])).content.decode()
    assert "By the person, signed in" in html and "Recorded by an organiser" in html
    ana.refresh_from_db()
    exported = subject_access(Person.objects.select_related("branch", "user").get(pk=ana.pk))["consent_records"]
    assert [(r["channel"], r["purpose"], r["how"]) for r in exported][-1] == (
        "email",
        "campaigning",
        "By the person, signed in",
    )


def test_a_bad_consent_choice_is_refused_plainly(branch, organiser, client_for):
    ana = person(branch, "Ana")
    client = client_for(organiser)
    response = client.post(
        reverse("person_consent", args=[branch.slug, ana.pk]), {"what": "pigeon:campaigning", "given": "yes"}
    )
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Choose email or phone" in html
    assert not ConsentRecord.objects.filter(person=ana).exists()


# --- the public register-interest form: double opt-in ---------------------------


def _register(client, meeting, email="kit@example.org"):
    url = reverse("public_meeting", args=[meeting.branch.slug, meeting.pk])
    return client.post(url, {"name": "Kit Marlow", "email": email, "consent_email": "on", "website": ""})


def test_registering_counts_consent_only_after_the_address_is_confirmed(
    branch, organiser, client, django_capture_on_commit_callbacks
):
    meeting = make_meeting(branch, organiser, kind="open", status="published")
    page = client.get(reverse("public_meeting", args=[branch.slug, meeting.pk])).content.decode()
    assert reverse("privacy_notice", args=[branch.slug]) in page and "Read the privacy notice" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client, meeting).status_code == 200
    kit = Person.objects.get(email="kit@example.org")
    assert kit.pending_review and not kit.consent_email
    assert not consent.may_contact(kit, "email", "service")
    [message] = mail.outbox
    assert message.to == ["kit@example.org"]
    url = re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)
    assert "kit" not in url.lower()
    assert reverse("privacy_notice", args=[branch.slug]) in message.body
    # Opening the link (a mail scanner would) confirms nothing; the button does.
    assert client.get(path_of(url)).status_code == 200
    kit.refresh_from_db()
    assert not kit.consent_email
    assert "Your email address is confirmed" in client.post(path_of(url)).content.decode()
    kit.refresh_from_db()
    assert kit.consent_email and consent.may_contact(kit, "email", "service")
    [record] = ConsentRecord.objects.filter(person=kit)
    assert (record.method, record.given, record.recorded_by) == ("double_opt_in", True, None)


def test_an_old_or_forged_confirmation_link_is_refused(branch, organiser, client, monkeypatch):
    kit = Person.objects.create(branch=branch, first_name="Kit", email="kit@example.org", pending_review=True)
    token = consent.confirm_token(kit)
    assert client.post(reverse("confirm_email", args=[token + "x"])).status_code == 404
    monkeypatch.setattr(consent, "CONFIRM_MAX_AGE", timedelta(seconds=-1))
    assert client.post(reverse("confirm_email", args=[token])).status_code == 404
    kit.refresh_from_db()
    assert not kit.consent_email


def test_erasure_takes_the_consent_history_with_it(branch, organiser):
    ana = person(branch, "Ana")
    consent.set_consent(person=ana, channel="email", purpose="campaigning", given=True, actor=organiser)
    erase_person(person=ana, actor=organiser, reason="Asked to be forgotten")
    assert not ConsentRecord.objects.filter(person_id=ana.pk).exists()
    tomb = Person.everyone.get(pk=ana.pk)
    assert not tomb.campaign_email and not consent.may_contact(tomb, "email", "campaigning")
