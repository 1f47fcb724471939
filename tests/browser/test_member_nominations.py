"""The pages issue 13's second round added, on a phone (360×740) with JS off:
a member nominates themselves and another member from My elections, then
withdraws; a steward enters paper ballots on the tellers' page and sees the
mismatch; an uncontested result states what its constraint did. Nothing wider
than the screen, tap targets at least 44 px, no console (CSP) errors.
Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.models import RoleName
from groups.services import elections as services
from groups.services import paper_ballots
from groups.services.branches import create_branch

from ..elections.helpers import chair, members, online, paper
from ..factories import RoleFactory, UserFactory, person_with_membership
from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH, HEIGHT = 360, 740


def _page(browser, live_server, user, console_errors):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, java_script_enabled=False)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    return page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"elections-{name}-360.png"), full_page=True)


@pytest.fixture
def branch(settings):
    settings.MFA_REQUIRED_FOR_ORGANISERS = False  # as `make run` serves the demo
    return create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())


def test_a_member_nominates_on_their_phone_without_js(browser, live_server, branch, console_errors):
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    position = chair(branch)
    position.others_may_nominate = True
    position.save(update_fields=["others_may_nominate"])
    election = online(branch, organiser, method="irv", seats=1, positions=[position], title="Chair 2026")
    person_with_membership(branch, first_name="Omar", last_name="Osei", membership={"number": "L4821"})
    user = RoleFactory(branch=branch, role=RoleName.MEMBER, user__email="maya@example.org").user
    me = person_with_membership(branch, first_name="Maya", last_name="Mendes")
    me.user = user
    me.save(update_fields=["user"])
    page = _page(browser, live_server, user, console_errors)
    page.goto(f"{live_server.url}/b/{branch.slug}/me/elections/")
    button = page.get_by_role("button", name="Nominate myself")
    assert button.bounding_box()["height"] >= 44
    _fits(page)
    _shot(page, "my-nominations-open")
    button.click()
    assert page.get_by_text("You are nominated for Chair 2026").is_visible()
    page.get_by_text("Nominate another member").click()  # <details>: opens without JS
    page.get_by_label("Their membership number").fill("L4821")
    page.get_by_label("Their surname").fill("Osei")
    page.get_by_role("button", name="Nominate them").click()
    assert page.get_by_text("You nominated: Omar Osei").is_visible()
    assert page.get_by_role("button", name="Withdraw my nomination").bounding_box()["height"] >= 44
    _fits(page)
    _shot(page, "my-nominations-made")
    assert election.nominations.count() == 2
    page.context.close()


def test_a_steward_tells_paper_ballots_on_a_phone(browser, live_server, branch, console_errors):
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    election = paper(branch, organiser)
    paper_ballots.enter_papers(election=election, actor=organiser, text="1 2\n2 3 1\n-\n3")
    steward = RoleFactory(branch=branch, role=RoleName.STEWARD, user__email="teller@example.org").user
    page = _page(browser, live_server, steward, console_errors)
    page.goto(f"{live_server.url}/b/{branch.slug}/elections/{election.pk}/tellers/")
    page.get_by_label("One paper a line", exact=False).fill("1 2\n2 1 3\n-")
    page.get_by_role("button", name="Save my entry").click()
    assert page.get_by_text("2 papers differ").is_visible()
    _fits(page)
    _shot(page, "tellers-mismatch")
    page.context.close()


def test_an_uncontested_result_states_its_constraint(browser, live_server, branch, console_errors):
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    bob, woman, voter = members(branch, 3)
    election = online(
        branch, organiser, seats=2, title="Conference delegates", if_unmet="vacant",
        constraints=[{"label": "women", "people": [woman.pk], "min": 1}],
    )  # fmt: skip
    services.nominate(
        election=election,
        person=bob,
        nominators=[voter],
        actor=organiser,
        consented=True,
        consent_note="Signed the form",
    )
    election = services.close_nominations(election=election, actor=organiser)
    page = _page(browser, live_server, organiser, console_errors)
    page.goto(f"{live_server.url}/b/{branch.slug}/elections/{election.pk}/result/")
    assert page.get_by_text("1 seat will stay vacant", exact=False).is_visible()
    _fits(page)
    _shot(page, "uncontested-constraint")
    page.context.close()
