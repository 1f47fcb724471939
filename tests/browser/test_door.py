"""The door on a phone (360×740): a steward searches, checks in an eligible
member, is refused for a registered supporter with the reason on screen, lets
them in by override with a reason, and watches the quorum panel change by
itself. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from groups.models import Category, Rule

from ..factories import MeetingFactory, MembershipFactory, PersonFactory

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
        reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser(playwright):
    """A browser of the door tests' own, launched from pytest-playwright's one
    Playwright driver: a second sync_playwright() in the same run fails ("Sync API
    inside the asyncio loop") once any other browser test has started the driver."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


def phone_page(browser, live_server, user):
    """A 360×740 page signed in as `user`, failing the test on console errors."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"door-{name}.png"), full_page=True)


# What sticks out past the right edge, so a failure names it.
WIDER = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right
    + ' ' + getComputedStyle(e).display + ' parent ' + e.parentElement.tagName + '.' + e.parentElement.className
    + ' ' + e.parentElement.getBoundingClientRect().right + ' client ' + document.documentElement.clientWidth)"""


def no_sideways_scroll(page):
    # After a click the text can be there before the stylesheet is: measured then, a phone's
    # stacked table is still a table. Wait for the page to have loaded.
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (width, page.url, page.evaluate(WIDER))


def person(branch, first, last, slug):
    p = PersonFactory(branch=branch, first_name=first, last_name=last)
    MembershipFactory(person=p, category=Category.objects.get(branch=branch, slug=slug), started_on=date(2015, 1, 1))
    return p


def test_steward_at_the_door_on_a_phone(browser, live_server, branch, steward):
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(
        branch=branch, title="Selection meeting", attendance_rule=party, voting_rule=party, quorum=2
    )
    person(branch, "Ana", "Silva", "party-member")
    person(branch, "Sam", "Reg", "registered-supporter")
    bo = person(branch, "Bo", "Brown", "party-member")
    page, errors = phone_page(browser, live_server, steward)
    door_url = f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/"

    page.goto(door_url)
    box = page.locator("#door-q")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'door-q'")
    assert page.locator(".quorum-status").inner_text().startswith("✕ Not quorate — 0 of 2 needed")
    shot(page, "1-open")

    # Search as you type: results arrive without pressing anything.
    box.press_sequentially("silv", delay=30)
    card = page.locator(".door-card", has_text="Ana Silva")
    card.wait_for()
    assert "✓ Eligible" in card.inner_text()
    button = card.get_by_role("button", name="Check in Ana Silva")
    size = button.bounding_box()
    assert size["height"] >= 44 and size["width"] >= card.bounding_box()["width"] - 40  # big, full width
    no_sideways_scroll(page)
    shot(page, "2-search")
    button.click()
    page.locator(".door-outcome-in", has_text="Ana Silva").wait_for()  # the card answers (door mode)
    # door.js empties the box just after the card is swapped in: wait for it rather than race it.
    expect(box).to_have_value("", timeout=3_000)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'door-q'")
    page.locator(".quorum-status", has_text="Not quorate — 1 of 2 needed").wait_for(timeout=3_000)
    assert page.locator(".door-recent-list").get_by_text("Ana Silva", exact=True).is_visible()
    shot(page, "3-checked-in")

    # A registered supporter: refused, with the reason on screen.
    box.press_sequentially("sam", delay=30)
    card = page.locator(".door-card", has_text="Sam Reg")
    card.wait_for()
    text = card.inner_text()
    assert "✕ Not eligible" in text
    assert "No active Party member membership (holds: Registered supporter)" in text
    assert "Ask an organiser to let them in" in text
    assert card.get_by_role("button").count() == 0
    no_sideways_scroll(page)
    shot(page, "4-refused")

    # The branch lets stewards override: with a reason, they are let in.
    branch.stewards_may_override = True
    branch.save()
    page.reload()
    box.press_sequentially("sam", delay=30)
    card = page.locator(".door-card", has_text="Sam Reg")
    card.get_by_text("Let them in anyway").click()
    reason = card.get_by_label("Reason to let them in")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'override_reason'")
    reason.fill("Chair agreed: speaking on item 3")
    shot(page, "5-override")
    card.get_by_role("button", name="Let in by override Sam Reg").click()
    page.locator(".door-outcome-in", has_text="Let in by override: Chair agreed").wait_for()
    # Let in, but the voting rule does not admit them: the quorum does not move.
    page.locator(".quorum-figures", has_text=re.compile(r"Present\s*2")).wait_for(timeout=3_000)
    assert "Not quorate — 1 of 2 needed" in page.locator(".quorum-status").inner_text()

    # Someone at another door checks Bo in: the panel updates by itself.
    from groups.services.attendance import check_in

    check_in(meeting=meeting, person=bo, actor=steward)
    page.locator(".quorum-status", has_text="Quorate — 2 of 2 needed").wait_for(timeout=8_000)
    assert re.search(r"Present\s*3", page.locator(".quorum-figures").inner_text())
    no_sideways_scroll(page)
    shot(page, "6-quorate")

    # After the meeting: the list, the badges, the undo; none scrolls sideways.
    page.get_by_role("link", name="Attendance list").click()
    page.get_by_text("Let in by override").first.wait_for()
    assert "Chair agreed: speaking on item 3" in page.content()
    no_sideways_scroll(page)
    shot(page, "7-attendance-list")
    page.goto(door_url.replace("/door/", "/badges/"))
    assert page.locator(".badge img").count() == 2  # the party members
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    no_sideways_scroll(page)
    shot(page, "8-badges")
    assert errors == [], errors
    page.context.close()
