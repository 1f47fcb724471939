"""The reports page on a phone (360 wide) and a laptop (1280 wide), with the
demo's year of meetings: the chart is drawn, readable, and nothing scrolls
sideways. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.demo import build_demo
from groups.models import RoleName

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_reports_page_looks_finished(browser, live_server, width, screenshot, console_errors):
    branch = build_demo(people=300)
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    client = Client()
    client.force_login(organiser)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/reports/")
    chart = page.locator("svg.chart-line")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box["width"] <= width
    # Smallest chart text stays readable once scaled to the screen.
    scale = box["width"] / 480
    assert 12 * scale >= 7.5
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.get_by_role("heading", name="Turnout per meeting").is_visible()
    screenshot(f"reports-{width}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#turnout-heading").scroll_into_view_if_needed()
    page.locator(".chart-figure").first.screenshot(path=str(ARTIFACTS / f"reports-chart-{width}.png"))
    page.locator("#categories-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"reports-categories-{width}.png"))
    context.close()
