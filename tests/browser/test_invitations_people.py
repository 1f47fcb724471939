"""The invitations page person by person, in a browser at 1280×800 and
360×740: the list with replies and email fates, the call list filter, the
preview and "send a test to me". Screenshots go to test-artifacts/."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from groups.demo import DEMO_PASSWORD
from groups.models import Invitation, Reply, SendStatus

from ..invitation_helpers import members_meeting, person
from .test_sign_in import assert_no_sideways_scroll, sign_in

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def test_the_invited_list_call_list_and_test_email(demo, live_server, page, console_errors, screenshot, mailoutbox):
    base, slug = live_server.url, demo.slug
    organiser = get_user_model().objects.get(email="organiser@example.org")
    meeting = members_meeting(demo, organiser, title="Branch business meeting")
    now = timezone.now()
    rows = [
        (
            "Ana",
            {"phone": "+447700900001"},
            {"send_status": SendStatus.SENT, "sent_at": now, "reply": Reply.YES, "replied_at": now},
        ),
        ("Bo", {}, {"send_status": SendStatus.SENT, "sent_at": now, "reminded_at": now}),
        (
            "Cy",
            {"consent": False, "phone": "+447700900003", "consent_phone": True},
            {"send_status": SendStatus.NO_CONSENT},
        ),
        ("Di", {"email": "", "phone": "+447700900004"}, {"send_status": SendStatus.NO_EMAIL}),
        ("Ed", {}, {"send_status": SendStatus.FAILED, "send_error": "550 Mailbox unavailable: user unknown"}),
        ("Flo", {}, {"send_status": SendStatus.SENT, "sent_at": now, "reply": Reply.NO, "replied_at": now}),
    ]
    for name, person_kw, invitation_kw in rows:
        Invitation.objects.create(meeting=meeting, person=person(demo, name, **person_kw), **invitation_kw)
    url = f"{base}/b/{slug}/meetings/{meeting.pk}/invitations/"

    page.set_viewport_size(LAPTOP)
    sign_in(page, base, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    page.goto(url)
    page.get_by_role("heading", name="Everyone invited").wait_for()
    assert page.get_by_text("3 people need a phone call").is_visible()
    screenshot("laptop")
    page.get_by_role("link", name="Show the call list").click()
    page.get_by_text("3 people match these filters").wait_for()
    assert "show=calls" in page.url and "Cy" not in page.url
    screenshot("laptop-call-list")

    page.set_viewport_size(PHONE)
    page.goto(url)
    assert_no_sideways_scroll(page)
    screenshot("phone")
    page.get_by_label("Reply").select_option("none")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("4 people match these filters").wait_for()
    assert_no_sideways_scroll(page)

    page.goto(url)
    page.get_by_role("link", name="Preview the email and send a test to yourself").click()
    page.get_by_role("heading", name="Preview the invitation").wait_for()
    assert_no_sideways_scroll(page)
    screenshot("phone-preview")
    page.get_by_role("button", name="Send a test to me").click()
    page.get_by_text("A test email is on its way to organiser@example.org").wait_for()
    [test] = [m for m in mail.outbox if m.to == ["organiser@example.org"]]
    assert test.subject.startswith("TEST – ")
    page.set_viewport_size(LAPTOP)
    screenshot("laptop-preview-sent")
