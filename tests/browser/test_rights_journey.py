"""Issue 15's journey in a browser: a member downloads their data from My
details; an organiser erases a person; that person's old invitation link then
answers "no longer available"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Person, RoleName
from groups.services.branches import create_branch
from groups.services.invitations import rsvp_token

from ..factories import UserFactory
from ..rights import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(browser, live_server, user, width=360):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 740}, accept_downloads=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def test_a_member_downloads_their_data_then_an_organiser_erases_them(browser, live_server, screenshot, console_errors):
    branch = create_branch(name="Green Lanes Branch", slug="green-lanes", actor=UserFactory())
    organiser = branch.roles.get(role=RoleName.ORGANISER).user
    known = scenario.build(branch, organiser)
    rsvp = live_server.url + reverse("rsvp", args=[rsvp_token(known.invitation)])

    # The member, on their phone: My details → Download my data.
    member = _signed_in(browser, live_server, known.user)
    phone = member.new_page()
    phone.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    phone.goto(f"{live_server.url}/b/{branch.slug}/me/details/")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download my data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    text = json.dumps(data)
    assert scenario.LAST in text and scenario.NUMBER in text
    assert "Olive" not in text  # nobody else's data
    screenshot("member-details", of=phone)
    member.close()

    # The organiser, on a laptop: the person's page → Erase, with a reason.
    office = _signed_in(browser, live_server, organiser, width=1280)
    page = office.new_page()
    page.goto(f"{live_server.url}/b/{branch.slug}/people/{known.person.pk}/erase/")
    page.get_by_label("Why are their data being erased?").fill("They asked us to, by email on 3 March")
    page.get_by_role("button", name=f"Yes, erase the data of {scenario.FIRST} {scenario.LAST}").click()
    page.wait_for_load_state()
    assert scenario.LAST not in page.content()
    screenshot("after-erasure", of=page)
    office.close()
    assert Person.everyone.get(pk=known.person.pk).erased_at is not None

    # Their old invitation link, opened from the email they still have.
    anyone = browser.new_context(viewport={"width": 360, "height": 740})
    link = anyone.new_page()
    response = link.goto(rsvp)
    assert response.status == 410
    assert link.get_by_role("heading", name="This link is no longer available").is_visible()
    screenshot("old-link", of=link)
    anyone.close()
