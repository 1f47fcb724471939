"""Issue 15 items 3–6 on a phone (360 wide) and a laptop (1280 wide): the
steward's door-fields person page, the organiser's consent panel, the
retention schedule and the public privacy notice fit without sideways
scrolling and raise no console errors (strict CSP). Screenshots go to
test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.models import RoleName
from groups.services.branches import create_branch

from ..factories import RoleFactory, UserFactory
from ..rights import scenario
from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name: str) -> None:
    """Saves test-artifacts/privacy-<name>.png of this page (the screenshot
    fixture photographs the default page, not this context's)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"privacy-{name}.png"), full_page=True)


def _page(browser, live_server, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context, context.new_page()


@pytest.mark.parametrize("width", [360, 1280])
def test_privacy_pages_look_finished(browser, live_server, width, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    steward = RoleFactory(branch=branch, role=RoleName.STEWARD, user__email="steward@example.org").user
    known = scenario.build(branch, organiser)
    base = f"{live_server.url}/b/{branch.slug}"

    context, page = _page(browser, live_server, steward, width)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/people/{known.person.pk}/")
    assert page.get_by_role("heading", name="At the door").is_visible()
    assert scenario.EMAIL not in page.content() and scenario.NOTES not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"steward-person-{width}")
    context.close()

    context, page = _page(browser, live_server, organiser, width)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    for name, path, heading in [
        ("organiser-person", f"{base}/people/{known.person.pk}/", "Consent to contact"),
        ("retention", f"{base}/retention/", "If it ran now"),
        ("notice-edit", f"{base}/privacy/", "The branch's privacy notice"),
        ("notice-public", f"{live_server.url}/privacy/{branch.slug}/", "Your rights"),
    ]:
        page.goto(path)
        assert page.get_by_role("heading", name=heading).is_visible(), name
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        _shot(page, f"{name}-{width}")
    context.close()
