"""Positions and "About me" on a phone (360 wide) and a laptop (1280 wide):
the positions page with an alert, a position with the appoint search, and a
member's About me fit without sideways scrolling and without console (CSP)
errors. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from groups.models import Membership, Person, RoleName, Rule
from groups.services import attributes as attribute_services
from groups.services import positions as services
from groups.services.branches import create_branch

from ..factories import RoleFactory, UserFactory, person_with_membership
from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name: str) -> None:
    # The screenshot fixture photographs its own page; these pages live in contexts signed in as someone.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"positions-{name}.png"), full_page=True)


def _session(browser, live_server, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


@pytest.mark.parametrize("width", [360, 1280])
def test_positions_pages_look_finished(browser, live_server, width, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    rule = Rule.objects.get(branch=branch, name="Party members only")
    chair = services.create_position(
        branch=branch, slug="chair", name="Chair", holder_rule=rule, seats=2, term_months=12, actor=organiser
    )
    services.create_position(branch=branch, slug="womens-officer", name="Women's officer", actor=organiser)
    ana = person_with_membership(
        branch, "party-member", first_name="Ana", last_name="Silva", membership={"started_on": date(2015, 3, 1)}
    )
    person_with_membership(branch, "supporter", first_name="Anil", last_name="Bose")
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    Membership.objects.filter(person=ana).update(status="lapsed")
    services.recheck_holders(branch=branch, at=datetime(2025, 9, 1, 6, tzinfo=ZoneInfo("Europe/London")))

    context = _session(browser, live_server, organiser, width)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/positions/")
    assert page.get_by_text("Party member membership is lapsed, not active").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"list-{width}")
    page.goto(f"{live_server.url}/b/{branch.slug}/positions/{chair.pk}/?q=Ani")
    page.get_by_role("button", name="Appoint").click()
    assert page.get_by_text("Anil Bose may not hold Chair").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"refused-{width}")
    context.close()

    member = RoleFactory(branch=branch, role=RoleName.MEMBER, user__email="lin@example.org").user
    Person.objects.create(branch=branch, first_name="Lin", email="lin@example.org", user=member)
    attribute_services.define_attribute(
        branch=branch,
        key="gender",
        name="Gender",
        purpose="So that the women's officer is elected by women members, as the party's rules require.",
        options="Woman\nMan\nNon-binary\nIn another way",
        actor=organiser,
    )
    context = _session(browser, live_server, member, width)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/me/self-declared/")
    page.get_by_label("Your answer").select_option("non-binary")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("button", name="Withdraw my answer").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"about-me-{width}")
    context.close()
