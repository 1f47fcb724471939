"""A closed meeting's page on a phone (360 wide) and a laptop (1280 wide): the
frozen record's banner is shown, readable, and nothing scrolls sideways; the
reopen form opens without JavaScript (a <details>)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from groups.demo import build_demo
from groups.models import Meeting, RoleName

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_closed_meetings_record_looks_finished(page, live_server, width, screenshot, console_errors):
    branch = build_demo(people=60)
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    # The latest meeting that has ended (tonight's is under way: the demo's walk-through).
    meeting = Meeting.objects.filter(branch=branch, ends_at__lt=timezone.now()).order_by("-starts_at").first()
    assert meeting.closed_at is not None  # the demo closes its past meetings
    client = Client()
    client.force_login(organiser)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/")
    banner = page.locator(".record-banner")
    assert banner.is_visible()
    assert "its record is frozen" in banner.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_text("Reopen this meeting").click()
    assert page.get_by_label("Why reopen it?").is_visible()
    screenshot(f"meeting-record-{width}")
