"""Minutes in a browser: the secretary drafts them from a closed meeting,
previews and saves an edit, approves them at the next meeting's item; a member
reads them and the decisions register on a 360×740 phone. No sideways scroll,
no console errors (the CSP reports there). Screenshots go to test-artifacts/."""

from __future__ import annotations

from groups.demo import DEMO_PASSWORD
from groups.models import RoleName
from groups.services.agenda import add_agenda_item

from ..minutes.helpers import held, later_meeting
from .test_sign_in import assert_no_sideways_scroll, sign_in

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def test_minutes_drafted_edited_approved_and_read(demo, live_server, page, browser, console_errors, screenshot):
    base, slug = live_server.url, demo.slug
    organiser = demo.roles.get(role=RoleName.ORGANISER, user__email="organiser@example.org").user
    h = held(demo, organiser, title="March branch meeting", location="Green Lanes library")
    add_agenda_item(meeting=later_meeting(demo, h.meeting), actor=organiser, title="Minutes of the last meeting")
    at = f"{base}/b/{slug}/meetings/{h.meeting.pk}/minutes/"

    page.set_viewport_size(PHONE)
    sign_in(page, base, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    page.goto(at)
    page.get_by_role("button", name="Draft the minutes").click()
    page.get_by_text("Minutes drafted from the meeting’s records.").wait_for()
    page.get_by_text(f"Moved by {h.voters[0].full_name}, seconded by {h.voters[1].full_name}.").wait_for()
    assert_no_sideways_scroll(page)
    screenshot("draft-phone")

    page.get_by_role("link", name="Edit the minutes").click()
    box = page.get_by_label("Minutes", exact=True)
    box.fill(box.input_value() + "\nThe chair thanked the librarians for the room.\n")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview (not saved yet)").wait_for()
    page.locator(".minutes-document", has_text="thanked the librarians").wait_for()
    assert_no_sideways_scroll(page)
    screenshot("edit-preview-phone")
    page.get_by_role("button", name="Save the minutes").click()
    page.get_by_text("Minutes saved.").wait_for()

    page.set_viewport_size(LAPTOP)
    page.reload()
    screenshot("draft-laptop")
    page.get_by_label("Agenda item").select_option(index=0)
    page.get_by_role("button", name="Mark as approved").click()
    page.get_by_text("They can no longer be edited.").wait_for()
    assert page.get_by_role("link", name="Edit the minutes").count() == 0
    screenshot("approved-laptop")

    phone = browser.new_page(viewport=PHONE)
    sign_in(phone, base, "member@example.org", DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/**")
    phone.goto(f"{base}/b/{slug}/decisions/")
    phone.get_by_text("That this branch meets monthly in the central library.").wait_for()
    phone.get_by_label("Words in the motion").fill("central library")
    phone.get_by_role("button", name="Search").click()
    phone.get_by_text("1 decision").wait_for()
    assert_no_sideways_scroll(phone)
    screenshot("register-phone", of=phone)
    phone.get_by_role("link", name="Minutes of this meeting").click()
    phone.get_by_text("thanked the librarians for the room").wait_for()
    assert_no_sideways_scroll(phone)
    screenshot("approved-member-phone", of=phone)
