"""The nominee's consent in a browser with JS off: on a phone (360×740) the
member sees a nomination awaiting their consent and accepts it; the
organisers' page (360×740 and 1280×800) shows consent awaiting, recorded with
its note, a lapsed nomination and one refused by the holder rule, with the
reasons, and the form for the nomination times. Nothing wider than the
screen, buttons at least 44 px, no console (CSP) errors. Screenshots in
test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.models import RoleName
from groups.services import elections as services
from groups.services.branches import create_branch
from groups.services.nominations import decline_nomination

from ..elections.helpers import chair, members, online
from ..factories import RoleFactory, UserFactory, person_with_membership
from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def _page(browser, live_server, user, console_errors, size):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, java_script_enabled=False)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    return page


def _check(page, width, name):
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"nominations-{name}-{width}.png"), full_page=True)


@pytest.fixture
def branch(settings):
    settings.MFA_REQUIRED_FOR_ORGANISERS = False
    return create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())


def test_the_nominee_accepts_on_their_phone(browser, live_server, branch, console_errors):
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    election = online(branch, organiser, method="irv", seats=1, positions=[chair(branch)], title="Chair 2026")
    user = RoleFactory(branch=branch, role=RoleName.MEMBER, user__email="maya@example.org").user
    me = person_with_membership(branch, first_name="Maya", last_name="Mendes")
    me.user = user
    me.save(update_fields=["user"])
    (nominator,) = members(branch, 1)
    services.nominate(election=election, person=me, nominators=[nominator], actor=organiser)
    page = _page(browser, live_server, user, console_errors, (360, 740))
    page.goto(f"{live_server.url}/b/{branch.slug}/me/elections/")
    assert page.get_by_text("Awaiting your consent").is_visible()
    accept = page.get_by_role("button", name="Accept the nomination")
    decline = page.get_by_role("button", name="Decline")
    assert accept.bounding_box()["height"] >= 44 and decline.bounding_box()["height"] >= 44
    assert accept.bounding_box()["width"] >= 240  # the width of the card on a phone
    _check(page, 360, "member-awaiting")
    accept.click()
    assert page.get_by_text("You have accepted your nomination in Chair 2026", exact=False).is_visible()
    assert page.get_by_text("You are nominated").is_visible()
    _check(page, 360, "member-accepted")
    page.context.close()
    assert console_errors == []


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_the_organisers_page_shows_consent_lapse_and_refusal(browser, live_server, branch, console_errors, size):
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    first = online(branch, organiser, method="irv", seats=1, positions=[chair(branch)], title="Chair 2026")
    nominator, stands, waits = members(branch, 3)
    lapsed = person_with_membership(branch, first_name="Lee", last_name="Lapsed", membership={"status": "lapsed"})
    services.nominate(election=first, person=stands, nominators=[nominator], actor=organiser, consented=True,
                      consent_note="Signed the nomination form")  # fmt: skip
    services.nominate(election=first, person=lapsed, nominators=[nominator], actor=organiser, consented=True,
                      consent_note="Told the secretary by phone")  # fmt: skip
    services.nominate(election=first, person=waits, nominators=[nominator], actor=organiser)
    services.close_nominations(election=first, actor=organiser)
    second = online(branch, organiser, method="irv", seats=1, title="Youth officer 2026")
    services.nominate(election=second, person=waits, nominators=[nominator], actor=organiser)
    page = _page(browser, live_server, organiser, console_errors, size)
    page.goto(f"{live_server.url}/b/{branch.slug}/elections/{first.pk}/")
    assert page.get_by_text("Lapsed: not accepted by the nominee").first.is_visible()
    assert page.get_by_text("Not eligible").first.is_visible()
    _check(page, size[0], "closed")
    page.goto(f"{live_server.url}/b/{branch.slug}/elections/{second.pk}/")
    assert page.get_by_text("Awaiting the nominee's consent").first.is_visible()
    page.get_by_text("They agreed to you").click()  # <details>: opens without JS
    page.get_by_label("How they agreed").first.fill("Signed the nomination form")
    _check(page, size[0], "awaiting")
    assert page.get_by_role("button", name="Record their consent").bounding_box()["height"] >= 44
    page.get_by_role("button", name="Record their consent").click()
    assert page.get_by_text("The nominee's consent is recorded", exact=False).is_visible()
    assert page.get_by_role("button", name="Save the times").bounding_box()["height"] >= 44
    page.context.close()
    assert console_errors == []


def test_the_dashboard_shows_what_awaits_consent_on_a_phone(browser, live_server, branch, console_errors):
    """An organiser who is also a nominee: their own to answer, then the branch's, each with its link."""
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    election = online(branch, organiser, method="irv", seats=1, positions=[chair(branch)], title="Chair 2026")
    nominator, other = members(branch, 2)
    me = person_with_membership(branch, first_name="Maya", last_name="Mendes-Featherstonehaugh")
    me.user = organiser
    me.save(update_fields=["user"])
    for person in (me, other):
        services.nominate(election=election, person=person, nominators=[nominator], actor=organiser)
    page = _page(browser, live_server, organiser, console_errors, (360, 740))
    page.goto(f"{live_server.url}/b/{branch.slug}/")
    answer = page.get_by_role("link", name="Accept or decline your nomination in Chair 2026")
    assert answer.is_visible() and answer.bounding_box()["height"] >= 44
    assert page.get_by_text("Nominations awaiting the nominee's consent").is_visible()
    assert page.get_by_role("link", name="Chair 2026", exact=True).count() == 2
    _check(page, 360, "dashboard")
    answer.click()
    assert page.get_by_role("button", name="Accept the nomination").is_visible()
    page.context.close()
    assert console_errors == []


def test_nominating_again_someone_who_declined_says_why_beside_the_tick(browser, live_server, branch, console_errors):
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    election = online(branch, organiser, method="irv", seats=1, positions=[chair(branch)], title="Chair 2026")
    (nominator,) = members(branch, 1)
    declined = person_with_membership(branch, first_name="Dee", last_name="Clined")
    nomination = services.nominate(election=election, person=declined, nominators=[nominator], actor=organiser)
    decline_nomination(nomination=nomination, person=declined, actor=None)
    page = _page(browser, live_server, organiser, console_errors, (360, 740))
    page.goto(f"{live_server.url}/b/{branch.slug}/elections/{election.pk}/")
    page.get_by_label("Nominee", exact=True).select_option(label="Dee Clined")
    page.get_by_label("Nominated by").select_option(label=str(nominator))
    page.get_by_role("button", name="Nominate", exact=True).click()
    error = page.locator("#id_consented_error")
    assert "Dee Clined declined this nomination" in error.inner_text()
    assert page.get_by_text("There is a problem").is_visible()
    _check(page, 360, "declined-again")
    page.context.close()
    assert console_errors == []
