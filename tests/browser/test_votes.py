"""A vote in a browser: the chair sets up and opens a secret ballot on a
laptop; the member votes on a 360×740 phone with the plain form; the hall's
projector shows the progress and the result. Screenshots go to test-artifacts/."""

from __future__ import annotations

from groups.demo import DEMO_PASSWORD
from groups.models import Person, RoleName
from groups.services import attendance

from ..factories import MeetingFactory
from .test_sign_in import assert_no_sideways_scroll, sign_in

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
QUESTION = "That this branch backs the library campaign"


def test_a_secret_ballot_from_the_chair_to_the_phone_to_the_projector(
    demo, live_server, page, browser, console_errors, screenshot
):
    base, slug = live_server.url, demo.slug
    organiser = demo.roles.get(role=RoleName.ORGANISER, user__email="organiser@example.org").user
    meeting = MeetingFactory(branch=demo, title="Branch meeting", attendance_rule=None, voting_rule=None)
    morgan = Person.objects.get(branch=demo, email="member@example.org")
    attendance.check_in(meeting=meeting, person=morgan, actor=organiser)

    page.set_viewport_size(LAPTOP)
    sign_in(page, base, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    page.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/votes/")
    page.get_by_label("Question", exact=True).fill(QUESTION)
    page.get_by_label("How", exact=True).select_option("secret")
    page.get_by_role("button", name="Set up the vote").click()
    page.get_by_role("button", name="Open the vote").click()
    page.get_by_text("0 of 1 have voted").wait_for()
    screenshot("chair-open")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    shot = screenshot("chair-open-phone")

    phone = browser.new_page(viewport=PHONE)
    sign_in(phone, base, "member@example.org", DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/**")
    phone.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/vote/")
    phone.get_by_role("heading", name=QUESTION).wait_for()
    phone.get_by_label("For", exact=True).check()
    phone.get_by_role("button", name="Vote").click()
    phone.get_by_text("You have voted").wait_for()
    assert_no_sideways_scroll(phone)
    phone.screenshot(path=str(shot.with_name("votes-member-voted-phone.png")), full_page=True)
    phone.close()

    page.set_viewport_size(LAPTOP)
    page.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/votes/projector/")
    page.get_by_text("1 of 1 have voted").wait_for()
    screenshot("projector-progress")
    page.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/votes/")
    page.get_by_role("button", name="Close and declare the result").click()
    page.get_by_text("a simple majority of those voting of 1 needs 1: carried.").first.wait_for()
    page.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/votes/projector/")
    page.get_by_text("✓ Carried").wait_for()
    screenshot("projector-result")
