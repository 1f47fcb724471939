"""The count page and delegates due on a phone (360 wide) and a laptop (1280
wide): the stage table scrolls sideways inside its box (never the page) with
the candidates' names held in view, the PDF downloads, no console (CSP)
errors. Screenshots go to test-artifacts/counts-*.png."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from groups.models import RoleName
from groups.services import attributes as attribute_services
from groups.services.branches import create_branch

from ..factories import UserFactory, person_with_membership
from .conftest import ARTIFACTS
from .test_positions import _session  # a signed-in context (downloads are accepted by default)

pytestmark = pytest.mark.django_db(transaction=True)

POLLOKSHIELDS = Path(__file__).parents[1] / "counting" / "fixtures" / "pollokshields-2007.blt"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"counts-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_stage_table_on_a_phone_and_a_laptop(browser, live_server, width, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    context = _session(browser, live_server, organiser, width)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/counts/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"form-{width}")

    page.set_input_files("#id_file", str(POLLOKSHIELDS))
    page.fill("#id_seed", "recount-1")
    page.get_by_role("button", name="Count", exact=True).click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="POLLOKSHIELDS: the count").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    wrap = page.locator(".count-stages-wrap")
    sizes = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    if width == 360:
        assert sizes[0] > sizes[1], "ten stages should not fit a phone: the box scrolls"
        name = page.locator(".count-stages tbody th", has_text="Khalil Malik")
        before = name.bounding_box()
        wrap.evaluate("el => { el.scrollLeft = 600; }")
        page.wait_for_timeout(50)
        after = name.bounding_box()
        assert abs(after["x"] - before["x"]) < 1, "the candidates' names stay in view"
        _shot(page, f"result-scrolled-{width}")
        wrap.evaluate("el => { el.scrollLeft = 0; }")
    else:
        assert sizes[0] - sizes[1] <= 600  # a laptop shows most of it at once
    button = page.get_by_role("button", name="Download the PDF")
    assert button.bounding_box()["height"] >= 44
    _shot(page, f"result-{width}")
    with page.expect_download() as download:
        button.click()
    saved = download.value.path()
    assert Path(saved).read_bytes().startswith(b"%PDF")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_delegates_due_on_a_phone_and_a_laptop(browser, live_server, width, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    gender = attribute_services.define_attribute(
        branch=branch, key="gender", name="Gender", purpose="Delegations", options="Woman\nMan", actor=organiser
    )
    for i in range(3):
        person = person_with_membership(branch, first_name=f"P{i}", date_of_birth=date(2002, 1, 1))
        attribute_services.record_with_consent(
            person=person, definition=gender, value="woman", consent=True, actor=organiser
        )
    context = _session(browser, live_server, organiser, width)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/b/{branch.slug}/counts/delegates/")
    assert page.get_by_role("heading", name="1 delegate due on").is_visible()
    assert page.get_by_text("3 women members (by their own declaration, with consent)").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"delegates-{width}")
    context.close()
