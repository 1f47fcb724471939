"""A person's data on a phone (360 wide) and a laptop (1280 wide): the erase
confirmation and the subject-access page fit without sideways scrolling, and
the subject-access page prints without its menus and buttons. Screenshots go
to test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.models import RoleName
from groups.services.branches import create_branch

from ..factories import UserFactory
from ..rights import scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_erase_and_data_pages_look_finished(browser, live_server, width, screenshot, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    known = scenario.build(branch, organiser)
    client = Client()
    client.force_login(organiser)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    base = f"{live_server.url}/b/{branch.slug}/people/{known.person.pk}"

    page.goto(f"{base}/erase/")
    assert page.get_by_role("heading", name=f"Erase all data about {scenario.FIRST} {scenario.LAST}?").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"erase-{width}", of=page)

    page.goto(f"{base}/data/")
    assert page.get_by_role("heading", name="Meetings attended").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"data-{width}", of=page)
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Download as JSON").is_visible()
    assert page.get_by_role("heading", name="Meetings attended").is_visible()
    screenshot(f"data-print-{width}", of=page)
    context.close()
