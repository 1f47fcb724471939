"""Elections on a phone (360 wide) and a laptop (1280 wide): a member ranks
the candidates with a number each (no JS), every tap target at least 44px
tall; the result's stage-by-stage table scrolls inside its box, never the
page; no console (CSP) errors. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.models import RoleName
from groups.services.branches import create_branch
from groups.services.election_ballots import cast_election_ballot, close_ballot

from ..elections.helpers import contested
from ..factories import RoleFactory, UserFactory
from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def _session(browser, live_server, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"elections-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_ballot_and_result_look_finished(browser, live_server, width, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    election, nominations, voters = contested(branch, organiser, candidates=4, seats=2)
    member = RoleFactory(branch=branch, role=RoleName.MEMBER, user__email="lin@example.org").user
    voters[0].user = member
    voters[0].save(update_fields=["user"])

    context = _session(browser, live_server, member, width)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/me/elections/")
    page.get_by_role("link", name="Vote").click()
    boxes = page.locator("input[type=number]")
    assert boxes.count() == 4
    for i in range(boxes.count()):
        assert boxes.nth(i).bounding_box()["height"] >= 44
    assert page.get_by_role("button", name="Cast my ballot").bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"ballot-{width}")
    boxes.nth(2).fill("1")
    boxes.nth(0).fill("2")
    page.get_by_role("button", name="Cast my ballot").click()
    assert page.get_by_text("You have voted").is_visible()
    context.close()

    a, b, c, d = (n.pk for n in nominations)
    for voter, ranking in zip(voters[1:], [[a, b], [a], [b, d], [d, c], [a, d]], strict=True):
        cast_election_ballot(election=election, person=voter, ranking=ranking, actor=None)
    close_ballot(election=election, actor=organiser)
    context = _session(browser, live_server, member, width)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/elections/{election.pk}/result/")
    assert page.get_by_role("heading", name="The count, stage by stage").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"result-{width}")
    context.close()
