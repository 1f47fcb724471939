"""Door mode on a phone (issue 14): 360×740 with the on-screen keyboard up
(about 300px at the bottom taken away), the search box and the first result's
button stay in view; a tap turns the card into a large answer; the box empties
and takes focus again; the quorum bar stays at the top. Screenshots go to
test-artifacts/door-mode-*.png."""

from __future__ import annotations

import pytest

from groups.models import Rule

from ..factories import MeetingFactory
from .test_door import PHONE, browser, no_sideways_scroll, person, phone_page, shot  # noqa: F401 (browser: a fixture)

KEYBOARD = 300  # a phone's on-screen keyboard, from the bottom of the 740px screen
ABOVE_KEYBOARD = PHONE["height"] - KEYBOARD

pytestmark = pytest.mark.django_db(transaction=True)


def visible_above_keyboard(locator):
    box = locator.bounding_box()  # relative to the viewport
    assert box is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= ABOVE_KEYBOARD


def test_door_mode_on_a_phone_with_the_keyboard_up(browser, live_server, branch, steward):  # noqa: F811
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(
        branch=branch, title="Annual general meeting of the branch", attendance_rule=party, voting_rule=party, quorum=25
    )
    person(branch, "Emre", "Adeyemi", "party-member")
    person(branch, "Sam", "Reg", "registered-supporter")
    for i in range(14):
        person(branch, "Ada", f"Lovelace{chr(97 + i)}", "party-member")
    page, errors = phone_page(browser, live_server, steward)
    # The phone's buzz, recorded (headless Chromium has no vibration motor).
    page.add_init_script("window.buzzed = []; navigator.vibrate = (p) => { window.buzzed.push(p); return true; };")
    page.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'door-q'")

    # Full screen: no site header or navigation; a menu to leave.
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".branch-nav").is_visible()
    menu = page.locator(".door-menu")
    assert menu.is_visible()
    bar = page.locator(".quorum-panel")
    assert "Not quorate — 0 of 25 needed" in bar.inner_text()
    assert bar.bounding_box()["height"] <= 64  # slim

    box = page.locator("#door-q")
    box.press_sequentially("adeyemi emre", delay=20)  # surname first
    card = page.locator(".door-card", has_text="Emre Adeyemi")
    card.wait_for()
    button = card.get_by_role("button", name="Check in Emre Adeyemi")
    assert visible_above_keyboard(box), box.bounding_box()
    assert visible_above_keyboard(button), button.bounding_box()
    no_sideways_scroll(page)
    shot(page, "mode-1-search")
    page.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-1-viewport.png"))

    button.click()
    answer = page.locator(".door-outcome-in")
    answer.wait_for()
    assert "✓ In" in answer.inner_text() and "Emre Adeyemi" in answer.inner_text()
    word = answer.locator(".door-outcome-word").bounding_box()
    assert word["height"] >= 36  # read at arm's length
    assert answer.bounding_box()["width"] >= PHONE["width"] - 40  # fills the card's width
    assert box.input_value() == ""
    assert page.evaluate("window.buzzed") == [80]  # one short buzz for "In" (a tone too, unless switched off)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'door-q'")
    page.locator(".quorum-status", has_text="Not quorate — 1 of 25 needed").wait_for(timeout=3_000)
    assert page.locator("#door-recent-body").get_by_text("Emre Adeyemi", exact=True).is_visible()
    page.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-2-in.png"))

    # More than fit: it says so.
    box.press_sequentially("ada", delay=20)
    page.get_by_text("4 more — type more of the name").wait_for()
    assert page.locator(".door-results .door-card").count() == 10

    # Scrolled down, the quorum bar stays at the top.
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 0
    assert abs(bar.bounding_box()["y"]) <= 1
    shot(page, "mode-3-many")

    # The leave menu opens and takes the steward out.
    page.evaluate("window.scrollTo(0, 0)")
    menu.locator("summary").click()
    link = menu.get_by_role("link", name="Leave the door: the meeting’s page")
    assert link.is_visible()
    page.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-4-menu.png"))
    # The sound after each tap can be switched off, and stays off on this device.
    sound = menu.get_by_label("Sound after each tap")
    assert sound.is_visible() and sound.is_checked()
    sound.uncheck()
    assert page.evaluate("localStorage.getItem('rollcall-door-sound')") == "off"
    page.reload()
    page.locator(".door-menu summary").click()
    assert not page.locator(".door-menu").get_by_label("Sound after each tap").is_checked()
    assert errors == [], errors
    page.context.close()


def test_a_steward_asks_an_organiser_and_the_card_shows_the_answer(browser, live_server, branch, steward):  # noqa: F811
    from groups.models import OverrideRequest

    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=party, voting_rule=party, quorum=2)
    person(branch, "Sam", "Reg", "registered-supporter")
    page, errors = phone_page(browser, live_server, steward)
    page.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    page.locator("#door-q").press_sequentially("sam", delay=20)
    card = page.locator(".door-card", has_text="Sam Reg")
    card.get_by_text("Ask an organiser…").click()
    card.get_by_label("Why let them in?").fill("Says they renewed last week")
    card.get_by_role("button", name="Ask an organiser about Sam Reg").click()
    page.locator(".door-outcome-wait", has_text="Waiting for an organiser").wait_for()
    no_sideways_scroll(page)
    page.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-5-asked.png"))
    # The organiser, at the door on a second phone: the request appears by itself; one tap approves.
    organiser = branch.roles.get(role="organiser").user
    second, second_errors = phone_page(browser, live_server, organiser)
    second.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    asked = second.locator(".door-requests-panel .door-card", has_text="Sam Reg")
    asked.wait_for(timeout=8_000)
    assert "Says they renewed last week" in asked.inner_text()
    second.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-5b-organiser.png"))
    asked.get_by_role("button", name="Approve and check in Sam Reg").click()
    second.get_by_text("Sam Reg: approved").first.wait_for()
    assert second.url.endswith(f"/meetings/{meeting.pk}/door/")  # answered in place: still at the door
    assert OverrideRequest.objects.get().status == "approved"
    assert second_errors == [], second_errors
    second.context.close()
    page.locator(".door-outcome-in", has_text="Approved by").wait_for(timeout=8_000)
    page.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-6-approved.png"))
    assert errors == [], errors
    page.context.close()


def test_last_check_ins_reach_every_device_at_the_door(browser, live_server, branch, steward):  # noqa: F811
    """Two phones at the door: a check-in on one shows in the other's "Last check-ins" by itself
    (the quorum poll brings them, every 5 s), and not while that phone has an Undo open."""
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=party, voting_rule=party, quorum=2)
    person(branch, "Ana", "Silva", "party-member")
    person(branch, "Bea", "Costa", "party-member")
    door = f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/"
    first, first_errors = phone_page(browser, live_server, steward)
    second, second_errors = phone_page(browser, live_server, steward)
    for page in (first, second):
        page.goto(door)
    first.locator("#door-q").press_sequentially("ana", delay=20)
    first.get_by_role("button", name="Check in Ana Silva").click()
    first.locator(".door-outcome-in").wait_for()
    second.locator("#door-recent-body").get_by_text("Ana Silva", exact=True).wait_for(timeout=8_000)

    # An Undo open on the second phone: its list waits rather than vanish under the steward's thumb.
    second.locator("#door-recent-body .door-undo summary").first.click()
    second.get_by_label("Why undo?").fill("Wrong Ana")
    first.locator("#door-q").press_sequentially("bea", delay=20)
    first.get_by_role("button", name="Check in Bea Costa").click()
    first.locator(".door-outcome-in").wait_for()
    second.wait_for_timeout(6_000)  # a poll has come and gone
    assert second.get_by_label("Why undo?").input_value() == "Wrong Ana"
    assert not second.locator("#door-recent-body").get_by_text("Bea Costa", exact=True).is_visible()
    second.keyboard.press("Escape")
    second.locator("#door-recent-body .door-undo summary").first.click()  # closed again
    second.locator("#door-q").focus()
    second.locator("#door-recent-body").get_by_text("Bea Costa", exact=True).wait_for(timeout=8_000)
    assert first_errors == [] and second_errors == [], (first_errors, second_errors)
    first.context.close()
    second.context.close()


def test_a_tap_reads_the_last_check_ins_once(browser, live_server, branch, steward):  # noqa: F811
    """Issue 14 item 7: the tap's answer brings the last check-ins; the quorum refresh it sets off
    asks for the figures alone, and the 5-second poll still brings the list."""
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=party, voting_rule=party, quorum=2)
    person(branch, "Ana", "Silva", "party-member")
    page, errors = phone_page(browser, live_server, steward)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/quorum/" in r.url else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    page.locator("#door-q").press_sequentially("ana", delay=20)
    page.get_by_role("button", name="Check in Ana Silva").click()
    page.locator(".door-outcome-in").wait_for()
    page.locator(".quorum-status", has_text="1 of 2 needed").wait_for(timeout=3_000)
    assert page.locator("#door-recent-body").get_by_text("Ana Silva", exact=True).is_visible()
    assert [u for u in polls if "recent" not in u] == [page.url.replace("door/", "quorum/")], polls
    page.wait_for_function("document.querySelectorAll('.door-recent-list li').length === 1")
    polls.clear()
    page.wait_for_timeout(5_500)  # the 5-second poll: the list as well
    assert polls and all(u.endswith("/quorum/?recent=1") for u in polls), polls
    assert page.locator("#door-recent-body").get_by_text("Ana Silva", exact=True).is_visible()
    assert errors == [], errors
    page.context.close()


def test_a_mistyped_name_offers_close_matches_above_the_keyboard(browser, live_server, branch, steward):  # noqa: F811
    """Issue 14 item 1: nobody starts "Adeymi", so the door says "did you mean" and offers Emre
    Adeyemi, whose button is still above the keyboard at 360×740."""
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, attendance_rule=party, voting_rule=party, quorum=25)
    person(branch, "Emre", "Adeyemi", "party-member")
    person(branch, "Sam", "Reg", "registered-supporter")
    page, errors = phone_page(browser, live_server, steward)
    page.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    box = page.locator("#door-q")
    box.press_sequentially("Adeymi", delay=20)
    page.get_by_text("No exact match — did you mean:").wait_for()
    button = page.locator(".door-card", has_text="Emre Adeyemi").get_by_role("button", name="Check in Emre Adeyemi")
    page.screenshot(path=str(shot.__globals__["ARTIFACTS"] / "door-mode-close-viewport.png"))
    assert visible_above_keyboard(button), button.bounding_box()
    no_sideways_scroll(page)
    shot(page, "mode-close-matches")
    assert errors == []
