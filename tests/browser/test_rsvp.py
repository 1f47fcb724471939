"""Calling a meeting and hearing back, in a browser: the organiser creates an
organisational meeting through the form, publishes it and invites everyone
its rule admits; a member opens the link from their email on a 360×740
phone and answers Yes without signing in; a registered supporter signs in,
opens My meetings and sees why the meeting is closed to them and the open
meeting they can come to. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from groups.demo import DEMO_PASSWORD
from groups.models import Invitation, Meeting

from ..invitation_helpers import links_in
from .test_sign_in import assert_no_sideways_scroll, sign_in

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
TITLE = "Branch business meeting: selecting candidates"


def test_invite_answer_on_a_phone_and_see_why_not(demo, live_server, page, console_errors, screenshot, mailoutbox):
    base = live_server.url
    slug = demo.slug

    # The organiser calls the meeting on a laptop.
    page.set_viewport_size(LAPTOP)
    sign_in(page, base, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    page.goto(f"{base}/b/{slug}/meetings/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Kind of meeting").select_option("organisational")
    day = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Starts").fill(f"{day:%Y-%m-%d}T19:30")
    page.get_by_label("Place").fill("Green Lanes Community Centre, Room 2")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(f"“{TITLE}” is published.").wait_for()
    page.get_by_role("link", name="Invite people").click()
    page.get_by_role("heading", name="Invitations").wait_for()
    assert page.get_by_text("Everyone the attendance rule admits").is_visible()
    screenshot("organiser-invitations")
    page.get_by_role("button", name="Send invitations").click()
    page.get_by_text("Emails are going to those who agreed to email").wait_for()
    screenshot("organiser-sent")
    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_sideways_scroll(page)
    screenshot("organiser-sent-phone")
    meeting = Meeting.objects.get(title=TITLE)
    assert Invitation.objects.filter(meeting=meeting).count() >= 1

    # The member opens their emailed link on a phone, not signed in.
    [message] = [m for m in mail.outbox if m.to == ["member@example.org"] and m.subject.startswith(TITLE)]
    rsvp = links_in(message)["rsvp"]
    assert rsvp.startswith(base)
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(rsvp)
    page.get_by_role("heading", name=TITLE).wait_for()
    assert_no_sideways_scroll(page)
    screenshot("member-rsvp")
    page.get_by_role("button", name="Yes, I’ll come").click()
    page.get_by_text("we have your answer").wait_for()
    assert page.get_by_role("img", name="Your personal door pass QR code").is_visible()
    assert_no_sideways_scroll(page)
    screenshot("member-answered")
    assert Invitation.objects.get(meeting=meeting, person__email="member@example.org").reply == "yes"

    # A registered supporter signs in and sees why, and where they can go.
    page.context.clear_cookies()
    sign_in(page, base, "supporter@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    assert_no_sideways_scroll(page)
    screenshot("supporter-dashboard")
    page.get_by_role("link", name="My meetings").first.click()
    page.wait_for_url(f"{base}/b/{slug}/me/meetings/")
    card = page.locator(f"#meeting-{meeting.pk}")
    assert "This meeting is for party members only — you are a registered supporter." in card.inner_text()
    open_meeting = Meeting.objects.get(branch=demo, kind="open", status="published")
    card.get_by_role("link", name=open_meeting.title).click()
    assert page.url.endswith(f"#meeting-{open_meeting.pk}")
    assert page.locator(f"#meeting-{open_meeting.pk}").get_by_text("You may come").is_visible()
    assert_no_sideways_scroll(page)
    screenshot("supporter-my-meetings")
    page.get_by_role("link", name="My details").click()
    page.get_by_role("heading", name="My details").wait_for()
    assert page.get_by_label("Email me about meetings (invitations and reminders)").is_checked()
    assert_no_sideways_scroll(page)
    screenshot("supporter-my-details")
