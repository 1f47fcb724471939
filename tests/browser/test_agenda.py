"""The business in a browser, on a 360×740 phone: the organiser builds the
agenda, the chair makes an item current, takes a motion through moving and
seconding and adds an amendment (shown struck out and inserted); a member
opens the agenda from My meetings. Screenshots go to test-artifacts/."""

from __future__ import annotations

from groups.demo import DEMO_PASSWORD
from groups.models import Person, RoleName
from groups.services import attendance

from ..factories import MeetingFactory, person_with_membership
from .conftest import ARTIFACTS
from .test_sign_in import assert_no_sideways_scroll, sign_in

PHONE = {"width": 360, "height": 740}
MOTION = "That this branch meets monthly in the library."


def test_the_agenda_and_a_motion_on_a_phone(demo, live_server, page, browser, console_errors, screenshot):
    base, slug = live_server.url, demo.slug
    organiser = demo.roles.get(role=RoleName.ORGANISER, user__email="organiser@example.org").user
    meeting = MeetingFactory(branch=demo, title="Branch meeting", attendance_rule=None, voting_rule=None)
    morgan = Person.objects.get(branch=demo, email="member@example.org")
    sam = person_with_membership(demo, first_name="Sam", last_name="Seconder")
    for p in (morgan, sam):
        attendance.check_in(meeting=meeting, person=p, actor=organiser)
    at = f"{base}/b/{slug}/meetings/{meeting.pk}"

    page.set_viewport_size(PHONE)
    sign_in(page, base, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/b/{slug}/")
    page.goto(f"{at}/agenda/")
    for title, kind in (("Apologies", "business"), ("Motions", "motions")):
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Kind of item").select_option(kind)
        page.get_by_role("button", name="Add to the agenda").click()
        page.get_by_role("heading", name=title).wait_for()
    screenshot("agenda-built")
    page.locator(".agenda-item", has_text="Motions").get_by_role("button", name="Make current").click()
    page.get_by_text("Now on item 2: Motions.").wait_for()
    assert_no_sideways_scroll(page)
    screenshot("agenda-organiser")

    page.goto(f"{at}/motions/")
    page.get_by_label("Motion", exact=True).fill(MOTION)
    page.get_by_label("Agenda item").select_option(label="2. Motions")
    page.get_by_role("button", name="Add to the order paper").click()
    page.get_by_label("Moved by").select_option(label=str(morgan.first_name + " " + morgan.last_name))
    page.get_by_role("button", name="Moved", exact=True).click()
    page.get_by_label("Seconded by").select_option(label="Sam Seconder")
    page.get_by_role("button", name="Seconded", exact=True).click()
    page.get_by_text("Seconded.").first.wait_for()
    page.get_by_text("More: withdraw, rule out of order, amend").click()
    page.locator("select[name=action]").select_option("replace")
    page.locator("input[name=words]").fill("monthly")
    page.locator("input[name=with_words]").fill("every fortnight")
    page.get_by_role("button", name="Add the amendment").click()
    page.locator(".word-diff del", has_text="monthly").wait_for()
    page.locator(".word-diff ins", has_text="every fortnight").wait_for()
    assert_no_sideways_scroll(page)
    screenshot("order-paper")

    page.goto(f"{at}/votes/")
    page.get_by_text("Item 2:").wait_for()
    screenshot("chair-panel-business")

    phone = browser.new_page(viewport=PHONE)
    sign_in(phone, base, "member@example.org", DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/**")
    phone.goto(f"{base}/b/{slug}/me/meetings/")
    phone.get_by_role("link", name="The agenda of Branch meeting").click()
    phone.get_by_role("heading", name="Motions").wait_for()
    phone.get_by_text(MOTION).wait_for()
    assert phone.get_by_role("button", name="Add to the agenda").count() == 0
    assert_no_sideways_scroll(phone)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "test_the_agenda_and_a_motion_on_a_phone-member.png"), full_page=True)
