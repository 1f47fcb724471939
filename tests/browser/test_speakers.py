"""The speakers' list in a browser: a member checked in asks to speak on a
360×740 phone; the chair calls them from the laptop and the timer counts
(speakers.js, under the strict CSP); the projector, open in another window,
shows who is speaking without a reload. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

from groups.demo import DEMO_PASSWORD
from groups.models import Person, RoleName
from groups.services import attendance
from groups.services.speakers import ask_to_speak, call_next

from ..factories import MeetingFactory
from .test_sign_in import assert_no_sideways_scroll, sign_in

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def test_a_member_asks_to_speak_and_the_chair_calls_them(demo, live_server, page, browser, console_errors, screenshot):
    base, slug = live_server.url, demo.slug
    organiser = demo.roles.get(role=RoleName.ORGANISER, user__email="organiser@example.org").user
    meeting = MeetingFactory(branch=demo, title="Branch meeting", attendance_rule=None, voting_rule=None)
    morgan = Person.objects.get(branch=demo, email="member@example.org")
    attendance.check_in(meeting=meeting, person=morgan, actor=organiser)
    name = f"{morgan.first_name} {morgan.last_name}"
    # A registered supporter speaks too (the voting rule does not restrict speaking); they asked first.
    supporter = Person.objects.get(branch=demo, email="supporter@example.org")
    attendance.check_in(meeting=meeting, person=supporter, actor=organiser)
    ask_to_speak(meeting=meeting, person=supporter, kind="for", actor=None)
    other = f"{supporter.first_name} {supporter.last_name}"

    phone = browser.new_page(viewport=PHONE)
    sign_in(phone, base, "member@example.org", DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/**")
    phone.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/speak/")
    phone.get_by_label("Against the motion").check()
    phone.get_by_role("button", name="Ask to speak").click()
    phone.get_by_text("number 2 in the queue").wait_for()
    assert_no_sideways_scroll(phone)
    shot = screenshot("start")
    phone.screenshot(path=str(shot.with_name("speakers-member-asked-phone.png")), full_page=True)

    page.set_viewport_size(LAPTOP)
    sign_in(page, base, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    projector = browser.new_page(viewport=LAPTOP)
    sign_in(projector, base, "organiser@example.org", DEMO_PASSWORD)
    projector.wait_for_url(f"{base}/b/{slug}/")
    projector.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/votes/projector/")
    projector.get_by_text(f"Next: {other}, {name}").wait_for()

    # The supporter has spoken on this item already: Morgan, who has not, now goes first.
    call_next(meeting=meeting, actor=organiser)
    ask_to_speak(meeting=meeting, person=supporter, kind="for", actor=None)
    page.goto(f"{base}/b/{slug}/meetings/{meeting.pk}/speakers/")
    page.get_by_text("Has spoken on this item already, so comes after those who have not").wait_for()
    screenshot("chair-queue")
    page.get_by_role("button", name=f"Call next: {name}").click()
    page.get_by_text(f"Speaking: {name}").wait_for()
    timer = page.locator("[data-timer-text]")
    page.wait_for_function("() => document.querySelector('[data-timer-text]').textContent !== '0:00'", timeout=5000)
    assert re.fullmatch(r"0:0[1-9]", timer.text_content())
    screenshot("chair-speaking")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot("chair-speaking-phone")

    # The projector updates by itself (htmx polls every 3 seconds).
    projector.get_by_text(f"Speaking: {name}").wait_for(timeout=10000)
    projector.screenshot(path=str(shot.with_name("speakers-projector-speaking.png")), full_page=True)
    projector.close()

    phone.reload()
    phone.get_by_text("You are speaking").wait_for()
    phone.close()
