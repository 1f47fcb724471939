"""The demo's meeting under way, walked as a visitor walks it (README, "In the
demo"): a steward checks the demo member in at the door on a phone; the member,
on a 360×740 phone, asks to speak and votes by secret ballot; the chair, on a
laptop, calls the next speaker, opens the demo's prepared secret ballot and
closes it; the member sees the result; and a projector, in a browser context
of its own that is never reloaded, follows it all by itself: the current item,
who is speaking, "N of M have voted" and the result. Every step waits on what
a person would see, never on the clock. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from groups.demo import DEMO_PASSWORD
from groups.demo.tonight import tonights_meeting
from groups.models import Person, VoteEntitlement, VoteStatus

from .test_door import WIDER
from .test_polish import SHORT_TARGETS
from .test_sign_in import sign_in

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
LIVE = 20_000  # the projector polls every 3 seconds, the phone every 4: several polls, under load


def _context(browser, viewport, errors: list[str], *, phone: bool):
    extra = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}
    page = browser.new_context(viewport=viewport, **extra).new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return page


def _signed_in(page, base, email):
    sign_in(page, base, email, DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/demo/**")


def _fits_a_phone(page):
    """Nothing scrolls sideways, and every link and button is at least 44px tall."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (width, page.url, page.evaluate(WIDER))
    assert page.evaluate(SHORT_TARGETS) == [], page.url


def test_the_demo_meeting_from_the_door_to_the_result(demo, live_server, page, browser, console_errors, screenshot):
    base = live_server.url
    meeting = tonights_meeting(demo)
    draft = meeting.votes.get(status=VoteStatus.DRAFT)
    morgan = Person.objects.get(branch=demo, email="member@example.org")
    errors: list[str] = []

    # The projector, in its own context on the hall's laptop: loaded once, never reloaded.
    projector = _context(browser, LAPTOP, errors, phone=False)
    _signed_in(projector, base, "organiser@example.org")
    projector.goto(f"{base}/b/demo/meetings/{meeting.pk}/votes/projector/")
    projector.evaluate("window.loadedOnce = true")
    hall = projector.locator(".projector")
    expect(hall).to_contain_text("Item 3: Motion: support the library campaign")
    expect(hall).to_contain_text("✓ Carried")  # the amendment, carried by secret ballot before the visitor came
    first_waiting = re.search(r"Next: ([^,]+),", hall.inner_text()).group(1)
    screenshot("projector-1-start", of=projector)

    # The steward checks the demo member in at the door, on a phone.
    door = _context(browser, PHONE, errors, phone=True)
    _signed_in(door, base, "steward@example.org")
    tonight = door.locator("li", has_text=meeting.title)
    expect(tonight).to_contain_text("Happening now")  # the dashboard lists it, as README says
    tonight.get_by_role("link", name=f"Open the door screen for {meeting.title}").click()
    door.wait_for_url(f"{base}/b/demo/meetings/{meeting.pk}/door/")
    door.wait_for_function("document.activeElement && document.activeElement.id === 'door-q'")
    door.locator("#door-q").press_sequentially("okafor", delay=30)
    door.locator(".door-card", has_text="Morgan Okafor").get_by_role("button", name="Check in Morgan Okafor").click()
    door.locator(".door-outcome-in", has_text="Morgan Okafor").wait_for()
    screenshot("door-checked-in", of=door)
    door.context.close()

    # The member, on their phone: My meetings → Ask to speak.
    phone = _context(browser, PHONE, errors, phone=True)
    _signed_in(phone, base, "member@example.org")
    phone.goto(f"{base}/b/demo/me/meetings/")
    card = phone.locator(".my-meeting", has_text=meeting.title)
    expect(card).to_contain_text("Happening now")
    expect(card).to_contain_text("You are checked in.")
    _fits_a_phone(phone)
    screenshot("phone-1-my-meetings", of=phone)
    card.get_by_role("link", name=re.compile("^Ask to speak")).click()
    phone.get_by_label("For the motion").check()
    phone.get_by_role("button", name="Ask to speak").click()
    phone.get_by_text(re.compile(r"For the motion — number \d+ in the queue")).wait_for()
    _fits_a_phone(phone)
    screenshot("phone-2-asked-to-speak", of=phone)
    phone.get_by_role("link", name="Vote now").click()
    phone.get_by_text("No vote is open at the moment").wait_for()

    # The chair calls the next speaker: the projector shows who is speaking, by itself.
    page.set_viewport_size(LAPTOP)
    _signed_in(page, base, "organiser@example.org")
    page.goto(f"{base}/b/demo/meetings/{meeting.pk}/speakers/")
    page.get_by_role("button", name=f"Call next: {first_waiting}").click()
    page.get_by_text(f"Speaking: {first_waiting}").first.wait_for()
    expect(hall.locator(".projector-speaking")).to_contain_text(f"Speaking: {first_waiting}", timeout=LIVE)
    screenshot("projector-2-speaking", of=projector)

    # The chair opens the demo's prepared secret ballot on the motion as amended.
    page.goto(f"{base}/b/demo/meetings/{meeting.pk}/votes/")
    panel = page.locator(f"#vote-{draft.pk}")
    panel.get_by_role("button", name="Open the vote").click()
    entitled = VoteEntitlement.objects.filter(vote=draft).count()
    assert VoteEntitlement.objects.filter(vote=draft, person=morgan).exists()  # checked in before it opened
    page.locator(f"#vote-{draft.pk}").get_by_text(f"0 of {entitled} have voted").wait_for()
    screenshot("chair-vote-open")
    expect(hall.locator(".projector-figure")).to_have_text(f"0 of {entitled} have voted", timeout=LIVE)

    # The member votes on their phone: the ballot appears by itself on the page they had open.
    phone.get_by_role("heading", name=draft.question).wait_for(timeout=LIVE)
    _fits_a_phone(phone)
    screenshot("phone-3-ballot", of=phone)
    phone.get_by_label("For", exact=True).check()
    phone.get_by_role("button", name="Vote", exact=True).click()
    phone.get_by_text("You have voted").wait_for()
    _fits_a_phone(phone)
    screenshot("phone-4-voted", of=phone)
    expect(hall.locator(".projector-figure")).to_have_text(f"1 of {entitled} have voted", timeout=LIVE)
    # Read from the back of the hall on a 1280×800 screen: the motion, the progress and the speaker all in view.
    for part in (".projector-question", ".projector-figure", ".projector-speaking"):
        box = hall.locator(part).first.bounding_box()
        assert box["y"] + box["height"] <= LAPTOP["height"], (part, box)
    assert projector.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    screenshot("projector-3-progress", of=projector)

    # The chair closes it; the phone and the projector show the result by themselves.
    page.get_by_role("button", name="Close and declare the result").click()
    page.get_by_text("The vote is closed.").first.wait_for()
    results = phone.locator(".vote-results .result").first
    expect(results).to_contain_text(draft.question[:60], timeout=LIVE)
    expect(results).to_contain_text("✓ Carried")
    expect(results).to_contain_text("For 1 · Against 0 · Abstaining 0")
    _fits_a_phone(phone)
    screenshot("phone-5-result", of=phone)
    expect(hall.locator(".projector-figure")).to_have_text("✓ Carried", timeout=LIVE)
    expect(hall).to_contain_text("For 1 · Against 0 · Abstaining 0")
    screenshot("projector-4-result", of=projector)

    # The projector was never reloaded, and no page reported an error.
    assert projector.evaluate("window.loadedOnce") is True
    phone.context.close()
    projector.context.close()
    assert errors == []
